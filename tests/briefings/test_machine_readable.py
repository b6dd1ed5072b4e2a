"""What feed readers and search engines read: feeds, sitemaps and robots.txt."""

from xml.etree import ElementTree

import pytest
from django.utils import timezone

from briefings import workflow
from briefings.workflow import make_live
from tests.factories import BriefingFactory, UserFactory, add_children

pytestmark = pytest.mark.django_db


def published(**kwargs):
    briefing = add_children(BriefingFactory(**kwargs))
    make_live(briefing)
    return briefing


def test_rss_feed_lists_published_briefings_with_permanent_guids(client, settings):
    settings.SITE_URL = "https://news.example.org"
    live = published(headline="A published story")
    BriefingFactory(headline="A draft story")

    response = client.get("/feed/")
    channel = ElementTree.fromstring(response.content).find("channel")
    items = channel.findall("item")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert [item.findtext("title") for item in items] == ["A published story"]
    assert items[0].findtext("guid") == f"https://news.example.org{live.get_absolute_url()}"
    assert items[0].findtext("description") == live.dek


def test_withdrawn_briefings_leave_the_feeds(client):
    briefing = published(headline="Soon withdrawn")
    workflow.withdraw(UserFactory(is_superuser=True), briefing, "The source retracted it.")
    for url in ["/feed/", "/feed/atom/"]:
        assert "Soon withdrawn" not in client.get(url).text


def test_atom_feed_is_valid_atom(client):
    published(headline="An Atom entry")
    root = ElementTree.fromstring(client.get("/feed/atom/").content)
    namespace = {"atom": "http://www.w3.org/2005/Atom"}
    assert root.find("atom:entry/atom:title", namespace).text == "An Atom entry"


def test_sitemaps_list_published_briefings_only(client):
    live = published()
    draft = BriefingFactory()

    index = client.get("/sitemap.xml").text
    month = f"sitemap-briefings-{timezone.localtime(live.published_at):%Y-%m}.xml"
    briefings = client.get(f"/{month}").text

    assert month in index
    assert "sitemap-pages.xml" in index
    assert live.get_absolute_url() in briefings
    assert draft.get_absolute_url() not in briefings
    assert "/standards/" in client.get("/sitemap-pages.xml").text


def test_robots_txt_names_the_sitemap_and_keeps_out_of_previews(client, settings):
    settings.SITE_URL = "https://news.example.org"
    text = client.get("/robots.txt").text
    assert "Sitemap: https://news.example.org/sitemap.xml" in text
    assert "Disallow: /preview/" in text
    assert "Disallow: /admin/" in text


def json_ld(html: str) -> dict:
    import json
    import re

    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_briefing_page_describes_itself_in_json_ld(client, settings):
    from briefings import workflow
    from briefings.models import Briefing
    from tests.factories import SourceItemFactory, UserFactory, standards

    settings.SITE_URL = "https://news.example.org"
    standards(method_summary="How we work, in one paragraph.")
    item = SourceItemFactory(title="Original story", url="https://outlet.example/original")
    briefing = add_children(
        BriefingFactory(source_item=item, work_type=Briefing.WorkType.ANALYSIS), count=1
    )
    make_live(briefing)
    workflow.add_correction(
        UserFactory(role="Editors"), briefing, "correction", "<p>We fixed a date.</p>"
    )

    data = json_ld(client.get(briefing.get_absolute_url()).text)

    assert data["@type"] == ["NewsArticle", "AnalysisNewsArticle"]
    assert data["headline"] == briefing.headline
    assert data["isBasedOn"]["url"] == "https://outlet.example/original"
    assert data["isBasedOn"]["publisher"]["name"] == item.outlet.name
    assert data["citation"][0]["url"] == "https://c1.example/"
    assert data["correction"][0]["text"] == "We fixed a date."
    assert data["backstory"] == Briefing.METHOD_NOTES[briefing.attribution_kind]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["correctionsPolicy"] == (
        "https://news.example.org/standards/#corrections"
    )
    assert data["dateModified"] >= data["datePublished"]


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client):
    briefing = published(headline="</script><script>alert(1)</script>")
    html = client.get(briefing.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    assert json_ld(html)["headline"] == "</script><script>alert(1)</script>"
