"""Every public page of the demo, error pages included: valid HTML (the Nu HTML Checker), and a
head with a page-specific description, a canonical address and link-preview tags, all on the
one origin, SITE_URL."""

import re

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory

from briefings.history import versions
from briefings.models import Briefing, StandardsVersion, Topic
from newsroom.errors import plain_page
from sources.models import Outlet
from tests.page_checks import vnu_errors

pytestmark = pytest.mark.django_db


def public_urls() -> list[str]:
    """An address of every kind of public page of the seeded demo."""
    live = list(Briefing.objects.published())
    with_history = max(live, key=lambda b: len(versions(b)))
    withdrawn = Briefing.objects.filter(status=Briefing.Status.WITHDRAWN).first()
    author = live[0].live_revision.byline.first()
    return [
        "/",
        "/standards/",
        "/standards/history/",
        StandardsVersion.objects.first().get_absolute_url(),
        "/sources/",
        "/corrections/",
        "/no-such-page/",
        "/search/",
        "/search/?q=ferry+OR+harbour",
        f"/authors/{author.slug}/",
        withdrawn.get_absolute_url(),
        f"{with_history.get_absolute_url()}history/",
        f"{with_history.get_absolute_url()}history/1/2/",
        f"{live[0].get_absolute_url()}report/?passage=Takeaway",
        *[topic.get_absolute_url() for topic in Topic.objects.all()],
        *[b.get_absolute_url() for b in live],
        *[f"/sources/{slug}/" for slug in Outlet.objects.values_list("slug", flat=True)],
    ]


def public_pages(client) -> dict[str, str]:
    """Every kind of public page of the seeded demo: address → HTML."""
    pages = {}
    for url in public_urls():
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        pages[url] = response.text
    return pages


def test_every_public_page_is_valid_html(settings, client, tmp_path):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEMO_MODE = False  # the pages as production serves them

    pages = public_pages(client)
    # The pages shown when something failed: static, rendered without a request.
    for name in ("500.html", "503.html", "403_csrf.html"):
        pages[name] = plain_page(name)
    pages["403.html"] = render_to_string("403.html", request=RequestFactory().get("/"))
    errors = vnu_errors(pages, tmp_path)
    if errors:
        pytest.fail(f"{len(errors)} markup errors:\n" + "\n".join(errors), pytrace=False)


HEAD_TAGS = ("og:title", "og:description", "og:url", "og:image", "og:type", "twitter:card")


def test_every_public_page_has_its_own_description_canonical_and_preview_tags(settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEMO_MODE = False
    settings.SITE_URL = "https://briefings.example"

    pages = public_pages(client)
    descriptions = {}
    for url, html in pages.items():
        head = html.split("</head>")[0]
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', head)
        assert canonical and canonical[1] == f"https://briefings.example{url.split('?')[0]}", url
        for tag in HEAD_TAGS:
            assert f'"{tag}" content="' in head, (url, tag)
        assert "http://testserver" not in html, url  # one origin, whatever the Host header
        descriptions[url] = re.search(r'<meta name="description" content="([^"]*)"', head)[1]
    home = descriptions["/"]
    repeated = [url for url, text in descriptions.items() if url != "/" and text == home]
    assert repeated == []
