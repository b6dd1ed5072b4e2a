"""JSON-LD for a briefing page: schema.org NewsArticle with its sourcing and corrections."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

from briefings.models import Briefing, PublicNote
from briefings.models.standards import POLICY_ANCHORS
from briefings.snapshot import Snapshot
from newsroom.plaintext import html_to_text

register = template.Library()

ARTICLE_TYPES = {
    Briefing.WorkType.NEWS: "NewsArticle",
    Briefing.WorkType.ANALYSIS: "AnalysisNewsArticle",
    Briefing.WorkType.EXPLAINER: "BackgroundNewsArticle",
    Briefing.WorkType.OPINION: "OpinionNewsArticle",
    Briefing.WorkType.SPONSORED: "AdvertiserContentArticle",
}
# Notes schema.org calls corrections; an update adds news, it corrects nothing.
CORRECTING = frozenset({PublicNote.Kind.CORRECTION, PublicNote.Kind.CLARIFICATION})
# Characters that could close the script element or start markup inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


LOGO = "img/logo-512.png"  # 512 × 512


def language() -> str:
    """The site's language as BCP 47 (en-GB)."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def organization() -> dict:
    standards = settings.SITE_URL + reverse("briefings:standards")
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": {
            "@type": "ImageObject",
            "url": settings.SITE_URL + static(LOGO),
            "width": 512,
            "height": 512,
        },
        "publishingPrinciples": standards,
        **{prop: f"{standards}#{anchor}" for prop, anchor in POLICY_ANCHORS.items()},
    }


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """A BreadcrumbList of (name, path) pairs, as the page's visible breadcrumb shows them."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": settings.SITE_URL + path}
            for n, (name, path) in enumerate(trail, 1)
        ],
    }


def article(
    page: Snapshot,
    briefing: Briefing,
    topic,
    public_notes=(),
    updated_at=None,
    published_under=None,
    credits=None,
    follows=None,
):
    """``published_under`` the version this revision was published under, when recorded;
    ``credits`` who wrote, edited and approved it, from the workflow's log; ``follows`` the
    published briefing it follows up (only one readers can see)."""
    url = settings.SITE_URL + briefing.get_absolute_url()
    principles = published_under.get_absolute_url() if published_under else None
    data = {
        "@context": "https://schema.org",
        "@type": _types(page.work_type),
        "mainEntityOfPage": url,
        "url": url,
        "headline": page.headline,
        "description": page.dek,
        "inLanguage": language(),
        "articleSection": topic.name,
        "datePublished": briefing.published_at,
        "dateModified": max(filter(None, [updated_at, briefing.published_at])),
        "author": [
            {"@type": "Person", "name": name}
            for name in (credits.writers if credits else page.byline_names)
        ],
        "publisher": organization(),
        "publishingPrinciples": settings.SITE_URL + (principles or reverse("briefings:standards")),
        "citation": [
            {"@type": "CreativeWork", "name": c.title, "url": c.url} for c in page.citations
        ],
    }
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": html_to_text(note.body),
            "datePublished": note.created_at,
        }
        for note in public_notes
        if note.kind in CORRECTING
    ]
    if corrections:
        data["correction"] = corrections
    if credits and credits.editors:
        data["editor"] = [{"@type": "Person", "name": name} for name in credits.editors]
    if credits and credits.approver:
        # schema.org's Role: the contributor, with what they did.
        data["contributor"] = {
            "@type": "Role",
            "roleName": "Approving editor",
            "contributor": {"@type": "Person", "name": credits.approver},
        }
    if page.source:
        data["isBasedOn"] = {
            "@type": "CreativeWork",
            "url": page.source.url,
            "headline": page.source.title,
            "publisher": {"@type": "Organization", "name": page.source.outlet_name},
        }
    if follows:
        original = {
            "@type": "NewsArticle",
            "url": settings.SITE_URL + follows.get_absolute_url(),
            "headline": follows.live_revision.headline,
        }
        data["isBasedOn"] = [data["isBasedOn"], original] if "isBasedOn" in data else original
    data["backstory"] = page.method_note
    if page.image:
        data["image"] = {
            "@type": "ImageObject",
            "url": settings.SITE_URL + page.image.url,
            "caption": page.image.caption,
            "creditText": page.image.credit,
        }
        if page.image.width:
            data["image"] |= {"width": page.image.width, "height": page.image.height}
        if page.image.source_type:
            data["image"]["digitalSourceType"] = page.image.source_type_uri
    return data


def _types(work_type: str):
    """NewsArticle, plus its subtype for the type of work (news is NewsArticle alone)."""
    subtype = ARTICLE_TYPES[work_type]
    return "NewsArticle" if subtype == "NewsArticle" else ["NewsArticle", subtype]


@register.simple_tag(takes_context=True)
def briefing_json_ld(context) -> str:
    """A <script type="application/ld+json"> element describing the briefing page's briefing,
    from the page's own context (``render_briefing`` gives every piece)."""
    page, briefing, topic = context["page"], context["briefing"], context["topic"]
    data = article(
        page,
        briefing,
        topic,
        context.get("public_notes", ()),
        context.get("updated_at"),
        context.get("published_under"),
        context.get("credits"),
        context.get("follows"),
    )
    trail = breadcrumbs(
        (settings.SITE_NAME, reverse("briefings:home")),
        (topic.name, topic.get_absolute_url()),
        (page.headline, briefing.get_absolute_url()),
    )
    return _script(data) + _script(trail)


@register.simple_tag
def home_json_ld() -> str:
    """The home page's JSON-LD: the publication, and the site with its search."""
    site = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "inLanguage": language(),
        "publisher": organization(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": settings.SITE_URL + reverse("briefings:search") + "?q={query}",
            },
            "query-input": "required name=query",
        },
    }
    return _script(site) + _script({"@context": "https://schema.org", **organization()})


def _script(data: dict) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder)
    return mark_safe(  # noqa: S308 - JSON with <, > and & escaped cannot leave the element
        f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
    )
