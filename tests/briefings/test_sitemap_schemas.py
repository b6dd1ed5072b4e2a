"""Every sitemap the site writes validates against the sitemap protocol's schema (with the
news and image extensions, strictly): the index, each of its sections and the news sitemap,
with the demo's content."""

import re
from pathlib import Path

import pytest
import xmlschema
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "sitemap.xsd"


def test_every_sitemap_validates_against_the_protocols_schema(settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEMO_MODE = False
    schema = xmlschema.XMLSchema(str(SCHEMA))

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    schema.validate(index.text)
    sections = re.findall(r"<loc>([^<]+)</loc>", index.text)
    assert len(sections) >= 4
    for location in [*sections, settings.SITE_URL + "/sitemap-news.xml"]:
        response = client.get(location.removeprefix(settings.SITE_URL))
        assert response.status_code == 200, location
        schema.validate(response.text)
        assert "<url>" in response.text, location


def test_the_schema_refuses_what_the_protocol_does():
    schema = xmlschema.XMLSchema(str(SCHEMA))
    bad = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://news.example/a/</loc><lastmod>2 December 2026</lastmod></url>"
        "</urlset>"
    )
    assert not schema.is_valid(bad)
