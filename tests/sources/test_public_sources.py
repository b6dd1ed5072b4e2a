"""/sources/ and /sources/<slug>/: the outlets we discover from and what began at each."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from briefings.workflow import make_live
from tests.factories import BriefingFactory, OutletFactory, SourceItemFactory, add_children


def outlet_url(outlet) -> str:
    """The public page of an outlet (the sources app names no public URL of its own)."""
    return reverse("briefings:outlet", args=[outlet.slug])


pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def published_from(outlet, headline: str, url: str, when=None):
    item = SourceItemFactory(outlet=outlet, url=url, title=f"Original of {headline}")
    briefing = add_children(BriefingFactory(headline=headline, source_item=item))
    make_live(briefing, when=when)
    return briefing


def test_sources_page_lists_outlets_with_the_date_of_their_latest_briefing(client):
    harbour = OutletFactory(name="Harbour Daily", description="A coastal daily.")
    OutletFactory(name="Valley Weekly")
    march = datetime(2026, 3, 4, 12, tzinfo=UTC)
    published_from(harbour, "Pier reopens", "https://harbour.example/pier", when=march)
    published_from(harbour, "Pier closes", "https://harbour.example/old", when=march - YEAR)
    soon = timezone.now() + timedelta(days=3)
    published_from(harbour, "Pier party", "https://harbour.example/party", when=soon)  # not yet
    BriefingFactory(source_item=SourceItemFactory(outlet=harbour))  # a draft: not shown
    html = client.get(reverse("briefings:outlets")).text
    assert (
        'Harbour Daily</a> — latest briefing <time datetime="2026-03-04T12:00:00+00:00">'
        "4 March 2026</time>. A coastal daily." in html
    )
    assert "Valley Weekly</a> — no briefings yet" in html  # a source we watch, still listed
    assert html.index("Harbour Daily") < html.index("Valley Weekly")
    assert f'href="{harbour.homepage}" rel="noopener">Visit Harbour Daily' in html
    assert "how many briefings" not in html


def test_outlet_page_lists_its_published_briefings_with_links_to_the_originals(client):
    harbour, valley = OutletFactory(name="Harbour Daily"), OutletFactory(name="Valley Weekly")
    published_from(harbour, "Pier reopens", "https://harbour.example/pier")
    published_from(valley, "Bridge closes", "https://valley.example/bridge")
    BriefingFactory(headline="Draft from harbour", source_item=SourceItemFactory(outlet=harbour))
    html = client.get(outlet_url(harbour)).text
    assert "Briefings that began at Harbour Daily" in html
    assert "Pier reopens" in html
    assert 'Original: <a href="https://harbour.example/pier" rel="noopener">' in html
    assert "Bridge closes" not in html
    assert "Draft from harbour" not in html


def test_outlet_page_without_briefings_says_so_and_unknown_outlets_are_404(client):
    outlet = OutletFactory()
    assert "No published briefings began from this outlet yet." in (
        client.get(outlet_url(outlet)).text
    )
    assert client.get(reverse("briefings:outlet", args=["no-such-outlet"])).status_code == 404


def test_outlet_page_costs_the_same_queries_for_one_or_five_briefings(client):
    outlet = OutletFactory()
    counts = []
    for n in range(5):
        published_from(outlet, f"Story {n}", f"https://harbour.example/{n}")
        if n in {0, 4}:
            with CaptureQueriesContext(connection) as queries:
                client.get(outlet_url(outlet), {"n": n})  # bypasses the page cache
            counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_sources_page_is_paginated_at_a_constant_cost(client, django_assert_num_queries):
    from briefings.views import OUTLETS_PAGE_SIZE

    for n in range(OUTLETS_PAGE_SIZE + 10):
        OutletFactory(name=f"Outlet {n:03d}")
    # count, one page of outlets with their latest briefings, the topic navigation
    with django_assert_num_queries(3):
        first = client.get(reverse("briefings:outlets")).text
    second = client.get(reverse("briefings:outlets"), {"page": 2}).text
    assert first.count('class="outlet-home"') == OUTLETS_PAGE_SIZE
    assert second.count('class="outlet-home"') == 10
    assert "Page 1 of 2" in first and "Outlet 055" in second
