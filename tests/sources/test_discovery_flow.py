"""From the admin, as a writer: add an outlet and a feed, poll it, start a briefing from an
item; once published, the public page attributes the outlet and links the original item."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from briefings.models import Briefing, Section, Takeaway
from briefings.workflow import make_live
from sources.models import Feed, Outlet, SourceItem
from tests.factories import TopicFactory, UserFactory

from .conftest import run_queued_tasks


def outlet_url(outlet) -> str:
    """The public page of an outlet (the sources app names no public URL of its own)."""
    return reverse("briefings:outlet", args=[outlet.slug])


pytestmark = pytest.mark.django_db

ORIGINAL = "https://courier.example/stories/electric-ferry?id=7"


def test_outlet_and_feed_added_in_the_admin_end_as_an_attributed_public_briefing(
    client, feed_server
):
    TopicFactory(name="Transport")
    writer, editor = UserFactory(role="Writers"), UserFactory(role="Editors")
    client.force_login(writer)

    # The outlet and its feed, in one form: the feed is an inline on the outlet's page.
    response = client.post(
        reverse("admin:sources_outlet_add"),
        {
            "name": "Lakeside Courier",
            "slug": "lakeside-courier",
            "homepage": "https://courier.example/",
            "description": "An invented lake-town paper.",
            "feeds-TOTAL_FORMS": 1,
            "feeds-INITIAL_FORMS": 0,
            "feeds-0-url": feed_server.url("/feeds/rss2.xml"),
            "feeds-0-title": "",
            "feeds-0-is_active": "on",
            "feeds-0-poll_interval": 30,
        },
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get(slug="lakeside-courier")
    feed = Feed.objects.get(outlet=outlet)
    assert feed.health == Feed.Health.NEVER_POLLED

    response = client.post(reverse("admin:sources_feed_poll", args=[feed.pk]), follow=True)
    assert "Queued a poll of" in response.text
    run_queued_tasks()
    assert "3 new of 3 items last time" in client.get(response.request["PATH_INFO"]).text

    inbox = client.get(reverse("admin:sources_sourceitem_changelist")).text
    assert "Lake ferry switches to electric boats in spring" in inbox
    item = SourceItem.objects.get(url=ORIGINAL)

    response = client.post(
        reverse("admin:sources_sourceitem_start_briefing", args=[item.pk]), follow=True
    )
    briefing = Briefing.objects.get(source_item=item)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:briefings_briefing_change", args=[briefing.pk]
    )
    assert response.status_code == 200

    # The writer writes the briefing; an editor publishes it.
    Section.objects.filter(briefing=briefing).update(body="<p>Written in our own words.</p>")
    for n in range(1, 4):
        Takeaway.objects.create(briefing=briefing, position=n, text=f"Takeaway {n}")
    make_live(briefing, editor)
    client.logout()

    page = client.get(briefing.get_absolute_url())
    assert page.status_code == 200
    assert "Source assisted" in page.text
    assert "This briefing began from a discovered source item from" in page.text
    assert f'href="{outlet_url(outlet)}">Lakeside Courier</a>' in page.text
    assert (
        f'<a class="original-item" href="{ORIGINAL}" rel="noopener">Open the original source</a>'
        in page.text
    )
    assert "(“Lake ferry switches to electric boats in spring”)" in page.text

    sources = client.get(reverse("briefings:outlets")).text
    published_on = date_format(timezone.localtime(briefing.published_at), "j F Y")
    assert "Lakeside Courier</a> — latest briefing <time" in sources
    assert f">{published_on}</time>" in sources
    outlet_page = client.get(outlet_url(outlet)).text
    assert briefing.headline in outlet_page
    assert f'Original: <a href="{ORIGINAL}" rel="noopener">' in outlet_page
