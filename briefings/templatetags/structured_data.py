"""JSON-LD for a briefing page: schema.org NewsArticle with its sourcing and corrections."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import mark_safe

from briefings.models import Briefing, EditorsNote
from briefings.models.standards import POLICY_ANCHORS
from newsroom.plaintext import html_to_text

register = template.Library()

ARTICLE_TYPES = {
    Briefing.WorkType.NEWS: "NewsArticle",
    Briefing.WorkType.ANALYSIS: "AnalysisNewsArticle",
    Briefing.WorkType.EXPLAINER: "BackgroundNewsArticle",
    Briefing.WorkType.OPINION: "OpinionNewsArticle",
    Briefing.WorkType.SPONSORED: "AdvertiserContentArticle",
}
IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
# Characters that could close the script element or start markup inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def organization() -> dict:
    standards = settings.SITE_URL + reverse("briefings:standards")
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "publishingPrinciples": standards,
        **{prop: f"{standards}#{anchor}" for prop, anchor in POLICY_ANCHORS.items()},
    }


def article(page: Briefing, briefing: Briefing, standards) -> dict:
    url = settings.SITE_URL + briefing.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": ["NewsArticle", ARTICLE_TYPES[page.work_type]],
        "mainEntityOfPage": url,
        "url": url,
        "headline": page.headline,
        "description": page.dek,
        "datePublished": briefing.published_at,
        "dateModified": max(filter(None, [page.updated_at, briefing.published_at])),
        "author": [{"@type": "Person", "name": name} for name in page.byline],
        "publisher": organization(),
        "publishingPrinciples": settings.SITE_URL + reverse("briefings:standards"),
        "citation": [
            {"@type": "CreativeWork", "name": c.title, "url": c.url} for c in page.citations_list
        ],
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": html_to_text(note.body),
                "datePublished": note.created_at,
            }
            for note in page.notes_list
            if note.kind in EditorsNote.DATED_KINDS
        ],
    }
    if page.source:
        data["isBasedOn"] = {
            "@type": "CreativeWork",
            "url": page.source["url"],
            "headline": page.source["title"],
            "publisher": {"@type": "Organization", "name": page.source["outlet"]["name"]},
        }
    if standards:
        data["backstory"] = standards.method_summary
    if page.lead_image:
        data["image"] = {
            "@type": "ImageObject",
            "url": settings.SITE_URL + page.lead_image.url,
            "caption": page.lead_image_caption,
            "creditText": page.lead_image_credit,
        }
        if page.lead_image_source_type:
            data["image"]["digitalSourceType"] = IPTC_SOURCE_TYPES + page.lead_image_source_type
    return data


@register.simple_tag
def briefing_json_ld(page: Briefing, briefing: Briefing, standards) -> str:
    """A <script type="application/ld+json"> element describing the briefing."""
    text = json.dumps(article(page, briefing, standards), cls=DjangoJSONEncoder)
    return mark_safe(  # noqa: S308 - JSON with <, > and & escaped cannot leave the element
        f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
    )
