"""Structured data beyond the article itself: the breadcrumb, the publisher's logo, the
site on the home page, language and section, and the lead image's measured size."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from briefings import workflow
from briefings.images import clean_upload
from briefings.models import Briefing
from tests.factories import briefing_in_state

pytestmark = pytest.mark.django_db


def all_json_ld(html: str) -> list[dict]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(text) for text in scripts]


def by_type(html: str, kind: str) -> dict:
    found = [d for d in all_json_ld(html) if kind in (d["@type"], *d["@type"])]
    assert len(found) == 1, [d["@type"] for d in all_json_ld(html)]
    return found[0]


def _png(width: int, height: int) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_briefing_has_a_breadcrumb_list_as_shown_and_language_and_section(
    client, settings, writer, editor
):
    settings.SITE_URL = "https://news.example.org"
    briefing = briefing_in_state("published", writer, editor)
    html = client.get(briefing.get_absolute_url()).text

    article = by_type(html, "NewsArticle")
    assert article["@type"] != ["NewsArticle", "NewsArticle"]
    assert (article["inLanguage"], article["articleSection"]) == ("en-GB", briefing.topic.name)
    assert "correction" not in article  # no empty list without a correction
    logo = article["publisher"]["logo"]
    assert logo["url"].startswith("https://news.example.org/static/")
    assert finders.find("img/logo-512.png")
    crumbs = by_type(html, "BreadcrumbList")["itemListElement"]
    names = [settings.SITE_NAME, briefing.topic.name, briefing.headline]
    assert [c["name"] for c in crumbs] == names
    assert crumbs[-1]["item"] == "https://news.example.org" + briefing.get_absolute_url()
    visible = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert all(c["name"] in visible for c in crumbs)


def test_an_update_is_not_marked_up_as_a_correction(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "update", "<p>The council voted today.</p>")
    article = by_type(client.get(briefing.get_absolute_url()).text, "NewsArticle")
    assert "correction" not in article


def test_the_home_page_describes_the_site_and_the_publisher(client, settings):
    settings.SITE_URL = "https://news.example.org"
    html = client.get("/").text
    site = by_type(html, "WebSite")
    assert site["url"] == "https://news.example.org/"
    assert site["inLanguage"] == "en-GB"
    action = site["potentialAction"]
    assert action["target"]["urlTemplate"] == "https://news.example.org/search/?q={query}"
    assert action["query-input"] == "required name=query"
    publisher = by_type(html, "NewsMediaOrganization")
    assert publisher["publishingPrinciples"] == "https://news.example.org/standards/"


def test_a_stored_lead_image_is_measured_and_the_page_gives_its_size(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    briefing.lead_image = clean_upload(SimpleUploadedFile("a.png", _png(120, 80)), "Desk", "")
    briefing.lead_image_alt, briefing.lead_image_credit = "A chart", "Desk"
    briefing.save()
    assert (briefing.lead_image_width, briefing.lead_image_height) == (120, 80)
    workflow.publish(editor, briefing)

    html = client.get(briefing.get_absolute_url()).text
    assert 'width="120" height="80"' in html
    assert '<meta property="og:image:width" content="120">' in html
    image = by_type(html, "NewsArticle")["image"]
    assert (image["width"], image["height"]) == (120, 80)

    briefing.refresh_from_db()
    briefing.lead_image = ""
    briefing.save()
    assert Briefing.objects.get(pk=briefing.pk).lead_image_width is None


def test_an_image_uploaded_in_the_admin_is_measured(client, writer):
    from tests.factories import change_form_data, complete_briefing

    briefing = complete_briefing(writer)
    client.force_login(writer)
    data = change_form_data(briefing, lead_image_alt="A chart", lead_image_credit="Desk")
    data["lead_image"] = SimpleUploadedFile("chart.png", _png(90, 60), "image/png")
    response = client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)
    assert response.status_code == 302, response.text
    briefing.refresh_from_db()
    assert (briefing.lead_image_width, briefing.lead_image_height) == (90, 60)
