"""The outgoing RSS and Atom feeds: full live content, bylines, lead images, the source outlet,
one feed per topic, one origin, bounded queries, one body."""

import io

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from briefings.feeds import FEED_SIZE
from briefings.models import Briefing, EditorsNote
from briefings.workflow import make_live
from tests.factories import (
    BriefingFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    add_children,
)

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
FEEDS = ["/feed/", "/feed/atom/"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "other-host.example"]


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#c63").save(buffer, "PNG")
    return SimpleUploadedFile("lead.png", buffer.getvalue(), "image/png")


def published(*authors, image=False, **kwargs) -> Briefing:
    if image:
        kwargs |= {"lead_image": png(), "lead_image_alt": "Gates", "lead_image_credit": "Desk"}
    briefing = add_children(BriefingFactory(**kwargs), count=1)
    briefing.authors.set(authors)
    make_live(briefing)
    return briefing


def parse(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    feed = feedparser.parse(io.BytesIO(response.content))
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def full_briefing(author) -> Briefing:
    item = SourceItemFactory(
        title="The original story", url="https://outlet.example/original", outlet__name="Ledger"
    )
    briefing = BriefingFactory(
        headline="Harbour gates close",
        dek="The gates shut for the storm.",
        source_item=item,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
        lead_image=png(),
        lead_image_alt="Gates",
        lead_image_credit="Desk",
    )
    add_children(briefing, count=1)
    EditorsNote.objects.filter(briefing=briefing).update(body="<p>An editor's note.</p>")
    briefing.authors.set([author])
    make_live(briefing)
    return briefing


@pytest.mark.parametrize("url", FEEDS)
def test_each_item_carries_the_live_content_author_image_and_outlet(client, url):
    author = UserFactory(display_name="Ann Writer")
    briefing = full_briefing(author)
    # The working copy changes; readers (and feeds) keep the live revision.
    Briefing.objects.filter(pk=briefing.pk).update(headline="An unpublished headline")

    feed = parse(client, url, HTTP_HOST="other-host.example")
    entry = feed.entries[0]

    assert entry.title == "Harbour gates close"
    assert entry.link == f"{SITE}/briefings/{briefing.slug}/"
    assert [a.name for a in entry.authors] == ["Ann Writer"]
    html = entry.content[0].value
    for text in ["Takeaway 1", "Section 1", "Body 1", "Question 1?", "Answer 1", "editor's note"]:
        assert text in html
    assert "Ledger" in html
    assert 'href="https://outlet.example/original"' in html
    assert f'href="{SITE}/sources/{briefing.source_item.outlet.slug}/"' in html
    [enclosure] = [link for link in entry.links if link.rel == "enclosure"]
    name = briefing.live_revision.lead_image
    assert enclosure.href == f"{SITE}/media/{name}"
    assert int(enclosure.length) == default_storage.size(name) > 0
    assert enclosure.type == "image/png"
    assert feed.feed.language == "en-gb"
    assert "other-host.example" not in client.get(url, HTTP_HOST="other-host.example").text


def test_rss_names_each_author_and_atom_links_their_pages(client):
    first, second = UserFactory(display_name="Ann One"), UserFactory(display_name="Bo Two")
    published(first, second)

    rss = client.get("/feed/").text
    atom = parse(client, "/feed/atom/")

    assert "<dc:creator>Ann One</dc:creator><dc:creator>Bo Two</dc:creator>" in rss
    assert [(a.name, a.href) for a in atom.entries[0].authors] == [
        ("Ann One", f"{SITE}/authors/{first.slug}/"),
        ("Bo Two", f"{SITE}/authors/{second.slug}/"),
    ]


def test_atom_entries_without_a_byline_fall_back_to_the_feeds_author(client, settings):
    published()
    feed = parse(client, "/feed/atom/")
    assert feed.feed.author == settings.SITE_NAME
    assert "<feed" in client.get("/feed/atom/").text


def test_an_image_missing_from_storage_is_left_out_not_a_failure(client):
    briefing = published(image=True)
    default_storage.delete(briefing.live_revision.lead_image)
    for url in FEEDS:
        entry = parse(client, url).entries[0]
        assert not [link for link in entry.links if link.rel == "enclosure"]


def test_a_topic_feed_holds_only_that_topic(client):
    climate, sport = TopicFactory(name="Climate", slug="climate"), TopicFactory(slug="sport")
    published(topic=climate, headline="Sea levels")
    published(topic=sport, headline="A match")

    for url in ["/topics/climate/feed/", "/topics/climate/feed/atom/"]:
        feed = parse(client, url)
        assert [e.title for e in feed.entries] == ["Sea levels"]
        assert feed.feed.title.startswith("Climate")
    assert client.get("/topics/nothing-here/feed/").status_code == 404


def test_the_topic_page_advertises_its_feeds(client):
    TopicFactory(name="Climate", slug="climate")
    html = client.get("/topics/climate/").text
    assert '<link rel="alternate" type="application/rss+xml" title="Climate' in html.replace(
        "\n", " "
    )
    assert 'href="/topics/climate/feed/"' in html
    assert 'href="/topics/climate/feed/atom/"' in html


@pytest.mark.parametrize(
    "url,queries",
    [
        ("/feed/", 2),
        ("/feed/atom/", 2),
        ("/topics/bulk/feed/", 3),
        ("/topics/bulk/feed/atom/", 3),
    ],
)
def test_a_full_feed_costs_a_fixed_number_of_queries(
    client, url, queries, django_assert_num_queries
):
    topic = TopicFactory(slug="bulk")
    for n in range(FEED_SIZE + 2):
        published(UserFactory(), UserFactory(), image=n % 2 == 0, topic=topic)
    # the briefings with their live revisions, the bylines' author pages (+ the topic)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(parse(client, url).entries) == FEED_SIZE
    assert response.status_code == 200


@pytest.mark.parametrize("url", [*FEEDS, "/topics/climate/feed/"])
def test_feeds_are_sent_as_one_body_cached_or_not(client, url):
    published(topic=TopicFactory(slug="climate"))
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(url)
        assert not response.streaming
        chunks = list(response)
        assert len(chunks) == 1 and isinstance(chunks[0], bytes)
        assert chunks[0] == response.content
