import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.models import Feed, SourceItem
from sources.polling import LEASE, claim, poll_all_feeds, poll_due_feeds, poll_feed
from tests.factories import FeedFactory, OutletFactory, SourceItemFactory

from .conftest import rss_document

pytestmark = pytest.mark.django_db


def feed_at(feed_server, path: str, **kwargs) -> Feed:
    return FeedFactory(url=feed_server.url(path), title="", **kwargs)


def polled(feed: Feed) -> Feed:
    poll_feed(feed.pk)
    feed.refresh_from_db()
    return feed


def statements(queries) -> list[str]:
    """The SQL statements run, without the savepoints the test transaction adds."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def close_to(moment, expected, slack=timedelta(seconds=30)) -> bool:
    return abs(moment - expected) < slack


def test_rss2_feed_stores_its_items_and_reports_ok(feed_server):
    feed = feed_at(feed_server, "/feeds/rss2.xml")
    result = poll_feed(feed.pk)
    assert (result.outcome, result.new_items) == ("new", 3)

    assert [item.title for item in SourceItem.objects.all()] == [
        "Lake ferry switches to electric boats in spring",
        "Market hall reopens after roof repairs",
        "Rowing club gets a new boathouse",
    ]
    ferry = SourceItem.objects.get(guid="courier-101")
    assert ferry.url == "https://courier.example/stories/electric-ferry?id=7"
    assert ferry.summary == "The ferry company & the town council agreed on two boats."
    assert ferry.author == "Ola Fenn"
    assert ferry.published_at == datetime(2025, 6, 10, 7, 30, tzinfo=UTC)
    assert (ferry.outlet, ferry.feed, ferry.status) == (feed.outlet, feed, SourceItem.Status.NEW)
    assert SourceItem.objects.get(guid="courier-103").published_at is None

    feed.refresh_from_db()
    assert feed.health == Feed.Health.OK
    assert feed.title == "Lakeside Courier"
    assert (feed.last_entry_count, feed.last_new_count) == (3, 3)
    assert (feed.consecutive_failures, feed.last_error, feed.failing_since) == (0, "", None)
    assert feed.etag and feed.last_modified == "Tue, 10 Jun 2025 08:00:00 GMT"
    assert feed.last_success_at == feed.last_polled_at
    assert close_to(feed.next_poll_at, timezone.now() + timedelta(minutes=30))
    assert feed.locked_until is None


@pytest.mark.parametrize(
    ("path", "urls"),
    [
        (
            "/feeds/atom.xml",
            [
                "https://observer.example/news/hill-road",
                "https://observer.example/news/observatory",
            ],
        ),
        (
            "/feeds/rss1.rdf",
            ["https://almanac.example/notes/frost", "https://almanac.example/notes/bees"],
        ),
        ("/feeds/rss091.xml", ["https://mill.example/bulletin/cafe"]),
    ],
)
def test_atom_rss1_and_rss091_feeds_store_their_items(feed_server, path, urls):
    feed = polled(feed_at(feed_server, path))
    assert feed.health == Feed.Health.OK
    assert set(SourceItem.objects.filter(feed=feed).values_list("url", flat=True)) == set(urls)


def test_unchanged_feed_costs_one_304_and_no_parsing(feed_server):
    feed = polled(feed_at(feed_server, "/feeds/rss2.xml"))
    feed.next_poll_at = timezone.now() - timedelta(minutes=1)
    feed.save()
    with CaptureQueriesContext(connection) as queries:
        result = poll_feed(feed.pk)
    assert result.outcome == "unchanged"
    assert "304" in result.message
    assert len(statements(queries)) == 3  # claim, load, record
    _, headers = feed_server.requests[-1]
    assert headers["If-None-Match"] == feed.etag
    feed.refresh_from_db()
    assert (feed.health, feed.last_new_count, feed.last_entry_count) == ("ok", 0, 3)
    assert SourceItem.objects.count() == 3


def test_same_body_without_validators_is_not_parsed_again(feed_server):
    body = rss_document(3)
    feed_server.routes["/plain.xml"] = lambda handler: handler.answer(200, body, "text/xml")
    feed = polled(feed_at(feed_server, "/plain.xml"))
    result = poll_feed(feed.pk)
    assert (result.outcome, result.message) == ("unchanged", "same content as last time")
    assert SourceItem.objects.count() == 3


def test_changed_feed_adds_only_the_new_items(feed_server):
    url = feed_server.serve("/changing.xml", rss_document(3))
    feed = polled(FeedFactory(url=url))
    feed_server.serve("/changing.xml", rss_document(5))
    result = poll_feed(feed.pk)
    assert (result.outcome, result.new_items) == ("new", 2)
    assert SourceItem.objects.count() == 5
    assert SourceItem.objects.all().first().title == "item story 5"


def test_one_poll_costs_the_same_number_of_queries_for_3_or_300_items(feed_server):
    counts = []
    for n, size in enumerate([3, 300]):
        feed = FeedFactory(url=feed_server.serve(f"/size-{n}.xml", rss_document(size, f"s{n}")))
        with CaptureQueriesContext(connection) as queries:
            assert poll_feed(feed.pk).new_items == size
        counts.append(len(statements(queries)))
    # claim, load the feed, look up known items, insert the new ones, count what was
    # inserted, record the outcome
    assert counts == [6, 6]


def test_feed_with_duplicate_guids_and_urls_stores_each_story_once(feed_server):
    feed = polled(feed_at(feed_server, "/feeds/duplicate_guids.xml"))
    assert sorted(SourceItem.objects.values_list("url", "guid")) == [
        ("https://herald.example/a/cycle-lane", "herald-1"),
        ("https://herald.example/a/pool", "herald-2"),
    ]
    assert (feed.last_entry_count, feed.last_new_count) == (4, 2)


def test_relative_links_are_stored_as_absolute_urls(feed_server):
    polled(feed_at(feed_server, "/feeds/relative_links.xml"))
    assert sorted(SourceItem.objects.values_list("url", flat=True)) == [
        feed_server.url("/feeds/sibling.html"),
        feed_server.url("/stories/rooted"),
    ]


def test_items_found_in_another_feed_or_added_by_hand_are_not_stored_twice(feed_server):
    hand_added = SourceItemFactory(
        url="https://courier.example/stories/market-hall?utm_source=newsletter#top",
        guid="",
        status=SourceItem.Status.SHORTLISTED,
    )
    first = polled(feed_at(feed_server, "/feeds/rss2.xml"))
    second = polled(feed_at(feed_server, "/gzip/rss2.xml", outlet=first.outlet))
    assert (first.last_new_count, second.last_new_count) == (2, 0)
    assert SourceItem.objects.count() == 3
    hand_added.refresh_from_db()
    assert hand_added.status == SourceItem.Status.SHORTLISTED


def test_same_guid_at_another_outlet_is_a_different_story(feed_server):
    SourceItemFactory(guid="courier-101", url="https://other.example/1", outlet=OutletFactory())
    feed = polled(feed_at(feed_server, "/feeds/rss2.xml"))
    assert feed.last_new_count == 3


def test_same_guid_at_the_same_outlet_is_the_same_story(feed_server):
    feed = feed_at(feed_server, "/feeds/rss2.xml")
    SourceItemFactory(guid="courier-101", url="https://courier.example/old-url", outlet=feed.outlet)
    assert polled(feed).last_new_count == 2


def test_broken_xml_records_the_error_keeps_complete_items_and_backs_off(feed_server):
    feed = polled(feed_at(feed_server, "/feeds/broken.xml"))
    assert feed.health == Feed.Health.FAILING
    assert feed.last_error.startswith("Malformed XML")
    assert "1 item(s) recovered" in feed.last_error
    assert feed.consecutive_failures == 1
    assert feed.last_success_at is None
    assert close_to(feed.next_poll_at, timezone.now() + timedelta(minutes=60))
    assert list(SourceItem.objects.values_list("url", flat=True)) == [
        "https://truncated.example/complete"
    ]


def test_html_page_is_recorded_as_not_a_feed(feed_server):
    feed = polled(feed_at(feed_server, "/feeds/page.html"))
    assert feed.health == Feed.Health.FAILING
    assert feed.last_error == "Not an RSS or Atom feed (the server sent text/html)."
    assert SourceItem.objects.count() == 0


def test_entity_bomb_is_refused_and_recorded(feed_server):
    feed = polled(feed_at(feed_server, "/feeds/billion_laughs.xml"))
    assert "declares XML entities" in feed.last_error
    assert SourceItem.objects.count() == 0


def test_deeply_nested_feed_is_refused_and_recorded(feed_server):
    depth = 14_000  # 98 KB, within the tests' FEEDS_MAX_BYTES
    body = b'<rss version="2.0"><channel>' + b"<x>" * depth + b"</x>" * depth + b"</channel></rss>"
    feed = polled(FeedFactory(url=feed_server.serve("/deep.xml", body), title=""))
    assert feed.health == Feed.Health.FAILING
    assert feed.last_error == "Refused: the document nests elements more than 100 deep."


def test_feed_in_a_refused_encoding_is_recorded_with_the_reason(feed_server):
    body = b'<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE rss+AD4-<rss version="2.0"/>'
    feed = polled(FeedFactory(url=feed_server.serve("/utf7.xml", body), title=""))
    assert "character encoding 'utf-7', which is not accepted" in feed.last_error
    assert feed.health == Feed.Health.FAILING


def test_server_errors_back_off_exponentially_up_to_the_cap(feed_server, settings):
    settings.FEEDS_MAX_BACKOFF = 3 * 60 * 60
    feed = feed_at(feed_server, "/status/500")
    delays = []
    for _ in range(4):
        feed = polled(feed)
        delays.append(round((feed.next_poll_at - feed.last_polled_at).total_seconds() / 60))
    assert delays == [60, 120, 180, 180]
    assert feed.consecutive_failures == 4
    assert feed.failing_since < feed.last_polled_at
    assert feed.last_error == "The server answered HTTP 500 Internal Server Error"


def test_retry_after_puts_the_next_poll_off_at_least_that_long(feed_server):
    feed = polled(feed_at(feed_server, "/status/503"))
    assert feed.next_poll_at - feed.last_polled_at >= timedelta(seconds=7200)


def unavailable_for_ages(feed_server) -> str:
    """A feed whose server asks to be left alone for longer than a timedelta can hold."""
    feed_server.routes["/ages"] = lambda handler: handler.answer(
        503, b"Come back later", headers={"Retry-After": "99999999999999999999"}
    )
    return "/ages"


def test_huge_retry_after_puts_the_next_poll_off_by_the_longest_backoff(feed_server, settings):
    settings.FEEDS_MAX_BACKOFF = 3 * 60 * 60
    feed = polled(feed_at(feed_server, unavailable_for_ages(feed_server)))
    assert feed.last_error == "The server answered HTTP 503 Service Unavailable"
    assert close_to(feed.next_poll_at, feed.last_polled_at + timedelta(hours=3))
    assert feed.locked_until is None


def test_retry_after_that_is_not_a_plain_number_is_ignored(feed_server):
    feed_server.routes["/superscript"] = lambda handler: handler.answer(
        503, b"Later", headers={"Retry-After": "\xb2"}
    )
    feed = polled(feed_at(feed_server, "/superscript"))
    assert feed.last_error == "The server answered HTTP 503 Service Unavailable"


def test_one_feeds_unexpected_failure_never_stops_the_feeds_after_it(feed_server):
    first = feed_at(feed_server, unavailable_for_ages(feed_server))
    second = feed_at(feed_server, "/feeds/rss2.xml")
    results = poll_due_feeds()
    assert [(result.feed_id, result.outcome) for result in results] == [
        (first.pk, "failed"),
        (second.pk, "new"),
    ]
    first.refresh_from_db()
    assert first.health == Feed.Health.FAILING
    assert first.locked_until is None
    assert SourceItem.objects.filter(feed=second).count() == 3


def test_recovered_feed_clears_its_error(feed_server):
    feed = polled(feed_at(feed_server, "/status/500"))
    feed.url = feed_server.url("/feeds/rss2.xml")
    feed.save()
    feed = polled(feed)
    assert feed.health == Feed.Health.OK
    assert (feed.consecutive_failures, feed.failing_since, feed.last_error) == (0, None, "")


def test_permanent_redirect_updates_the_stored_url(feed_server):
    feed = polled(feed_at(feed_server, "/redirect/301/feeds/atom.xml"))
    assert feed.url == feed_server.url("/feeds/atom.xml")
    assert feed.health == Feed.Health.OK
    assert SourceItem.objects.count() == 2


def test_permanent_redirect_to_a_feed_we_already_have_keeps_the_url(feed_server):
    FeedFactory(url=feed_server.url("/feeds/atom.xml"))
    feed = polled(feed_at(feed_server, "/redirect/308/feeds/atom.xml"))
    assert feed.url == feed_server.url("/redirect/308/feeds/atom.xml")
    assert feed.health == Feed.Health.OK


def test_permanent_redirect_to_an_address_too_long_to_store_keeps_the_url(feed_server):
    long_path = "/long/" + "a" * 1000
    feed_server.serve(long_path, rss_document(2))
    feed_server.routes["/moved"] = lambda handler: handler.answer(
        301, headers={"Location": long_path}
    )
    feed = polled(feed_at(feed_server, "/moved"))
    assert feed.url == feed_server.url("/moved")
    assert feed.health == Feed.Health.OK
    assert SourceItem.objects.count() == 2


def test_temporary_redirect_keeps_the_url(feed_server):
    feed = polled(feed_at(feed_server, "/redirect/302/feeds/atom.xml"))
    assert feed.url == feed_server.url("/redirect/302/feeds/atom.xml")


def test_gone_feed_is_deactivated(feed_server):
    feed = polled(feed_at(feed_server, "/status/410"))
    assert not feed.is_active
    assert feed.health == Feed.Health.INACTIVE
    assert "410 Gone" in feed.last_error
    assert "deactivated" in feed.last_error
    assert poll_due_feeds() == []


def test_too_large_feed_records_the_limit(feed_server):
    feed = polled(feed_at(feed_server, "/special/large"))
    assert feed.health == Feed.Health.FAILING
    assert "the limit is 100,000" in feed.last_error


def test_slow_feed_times_out_while_the_others_come_in(feed_server):
    slow = feed_at(feed_server, "/special/slow")
    good = feed_at(feed_server, "/feeds/rss2.xml")
    started = time.monotonic()
    results = poll_due_feeds()
    assert time.monotonic() - started < 2.5
    assert {result.feed_id: result.outcome for result in results} == {
        slow.pk: "failed",
        good.pk: "new",
    }
    slow.refresh_from_db()
    assert slow.last_error.startswith("Timed out")
    assert SourceItem.objects.filter(feed=good).count() == 3


def test_poll_of_a_feed_dripping_its_headers_ends_at_the_total_deadline(feed_server, settings):
    settings.FEEDS_READ_TIMEOUT = 20
    settings.FEEDS_TOTAL_TIMEOUT = 1
    started = time.monotonic()
    feed = polled(feed_at(feed_server, "/special/drip-headers"))
    assert time.monotonic() - started < 2  # it took 9 s, as long as the server dripped
    assert feed.last_error.startswith("Timed out: the fetch took longer than 1 s in all")
    assert feed.locked_until is None


def test_broken_feeds_never_stop_the_healthy_ones(feed_server):
    broken = [
        feed_at(feed_server, path)
        for path in ["/status/500", "/feeds/broken.xml", "/feeds/page.html", "/status/410"]
    ]
    healthy = feed_at(feed_server, "/feeds/atom.xml")
    poll_due_feeds()
    assert Feed.objects.get(pk=healthy.pk).health == Feed.Health.OK
    assert all(Feed.objects.get(pk=feed.pk).last_error for feed in broken)
    assert SourceItem.objects.filter(feed=healthy).count() == 2


def test_feed_redirecting_to_a_private_address_is_refused(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    settings.FEEDS_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    feed = polled(feed_at(feed_server, "/special/to-private"))
    assert feed.health == Feed.Health.FAILING
    assert "169.254.169.254, which is not a public internet address" in feed.last_error


def test_feed_on_a_private_address_is_refused_by_default(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    feed = polled(feed_at(feed_server, "/feeds/rss2.xml"))
    assert "127.0.0.1, which is not a public internet address" in feed.last_error
    assert feed_server.requests == []


def test_only_due_active_feeds_are_polled(feed_server):
    due = feed_at(feed_server, "/feeds/rss2.xml")
    in_an_hour = timezone.now() + timedelta(hours=1)
    later = feed_at(feed_server, "/feeds/atom.xml", next_poll_at=in_an_hour)
    off = feed_at(feed_server, "/feeds/rss1.rdf", is_active=False)
    assert [result.feed_id for result in poll_due_feeds()] == [due.pk]
    assert poll_due_feeds() == []
    assert {result.feed_id for result in poll_all_feeds()} == {due.pk, later.pk}
    assert feed_server.hits("/feeds/rss1.rdf") == 0
    assert poll_feed(off.pk).outcome == "new"  # polling one feed by hand works even if off


def test_feed_claimed_by_another_poller_is_left_alone(feed_server):
    feed = feed_at(feed_server, "/feeds/rss2.xml")
    assert claim(feed.pk, timezone.now(), due_only=True)
    assert poll_due_feeds() == []
    assert poll_feed(feed.pk).outcome == "skipped"
    assert feed_server.requests == []


def test_claim_left_by_a_crashed_poller_expires(feed_server):
    feed = feed_at(feed_server, "/feeds/rss2.xml")
    Feed.objects.filter(pk=feed.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert poll_due_feeds()[0].outcome == "new"
    assert timedelta(minutes=5) <= LEASE
