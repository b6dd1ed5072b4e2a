"""Two pollers at once (two cron jobs, or cron and a worker) share the work, never repeat it,
and a poller that overran its lease never undoes the work of the one that took over."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sources.models import Feed, SourceItem
from sources.parse import parse_feed
from sources.polling import claim, poll_due_feeds, poll_feed, store_entries
from tests.factories import FeedFactory

from .conftest import rss_document

# serialized_rollback: the flush afterwards must not re-create content types (post_migrate)
# that a later serialized_rollback test reloads (their ids would collide).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


needs_concurrent_writers = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database reports concurrent writers as locked tables; "
    "a real SQLite file waits instead (busy timeout). Runs on PostgreSQL, as CI does.",
)


@needs_concurrent_writers
def test_two_pollers_at_once_fetch_each_feed_once_and_store_no_duplicates(feed_server):
    # Every feed lists the same 20 stories, and answers slowly enough for the pollers to overlap.
    body = rss_document(20)

    def slow_feed(handler):
        time.sleep(0.05)
        handler.serve_document(body, "application/rss+xml")

    paths = [f"/shared-{n}.xml" for n in range(6)]
    for path in paths:
        feed_server.routes[path] = slow_feed
        FeedFactory(url=feed_server.url(path))
    results, errors = [], []

    def poller():
        try:
            results.extend(poll_due_feeds())
        except Exception as error:  # reported below, with the thread's own failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=poller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [feed_server.hits(path) for path in paths] == [1] * 6
    assert (
        sorted(result.outcome for result in results if result.outcome != "skipped") == ["new"] * 6
    )
    assert SourceItem.objects.count() == 20
    assert sum(result.new_items for result in results) == 20
    assert sum(Feed.objects.values_list("last_new_count", flat=True)) == 20


def wait_for_a_blocked_writer(timeout: float = 5.0) -> bool:
    """True once another connection to this database waits for a lock this one holds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


@needs_concurrent_writers
def test_items_another_poller_stored_first_are_not_counted_as_new(feed_server):
    # Another feed lists the same stories; its poller inserts them first and commits only
    # once ours, having looked them up and found nothing, waits to insert them too.
    body = rss_document(20)
    ours = FeedFactory(url=feed_server.serve("/ours.xml", body))
    theirs = FeedFactory(url=feed_server.url("/theirs.xml"))
    inserted, outcome = threading.Event(), {}

    def other_poller():
        try:
            with transaction.atomic():
                entries = parse_feed(body, theirs.url).entries
                outcome["stored"] = store_entries(theirs, entries)
                inserted.set()
                outcome["blocked"] = wait_for_a_blocked_writer()
        finally:
            inserted.set()
            connection.close()

    thread = threading.Thread(target=other_poller)
    thread.start()
    inserted.wait(5)
    result = poll_feed(ours.pk)
    thread.join()

    assert outcome == {"stored": 20, "blocked": True}
    assert (result.outcome, result.new_items) == ("new", 0)
    ours.refresh_from_db()
    assert (ours.last_entry_count, ours.last_new_count) == (20, 0)
    assert SourceItem.objects.count() == 20
    assert SourceItem.objects.filter(feed=theirs).count() == 20


def poll_taken_over_midway(feed_server, take_over) -> tuple:
    """Poll a feed whose server, while answering the first request, lets the lease run out
    and calls ``take_over(feed)``, as a second poller would; later requests get one item."""
    feed = FeedFactory(url=feed_server.url("/overrun.xml"))

    def answer(handler):
        if feed_server.hits("/overrun.xml") > 1:
            return handler.serve_document(rss_document(1, prefix="second"), "application/rss+xml")
        try:
            # As if the first poller had been stuck past its lease.
            Feed.objects.filter(pk=feed.pk).update(locked_until=timezone.now())
            take_over(feed)
        finally:
            connection.close()
        handler.serve_document(rss_document(3, prefix="first"), "application/rss+xml")

    feed_server.routes["/overrun.xml"] = answer
    result = poll_feed(feed.pk)
    feed.refresh_from_db()
    return result, feed


def test_poller_whose_claim_was_taken_over_leaves_the_new_holders_lock_alone(feed_server):
    claims = []
    result, feed = poll_taken_over_midway(
        feed_server, lambda feed: claims.append(claim(feed.pk, timezone.now(), due_only=False))
    )
    assert claims == [True]
    assert result.outcome == "skipped"
    assert feed.locked_until is not None and feed.locked_until > timezone.now()
    assert (feed.last_polled_at, feed.last_new_count, feed.content_hash) == (None, 0, "")
    assert SourceItem.objects.count() == 0


def test_poller_whose_claim_was_taken_over_keeps_the_new_holders_result(feed_server):
    second_results = []
    result, feed = poll_taken_over_midway(
        feed_server, lambda feed: second_results.append(poll_feed(feed.pk).outcome)
    )
    assert second_results == ["new"]
    assert result.outcome == "skipped"
    assert feed.locked_until is None
    assert (feed.last_entry_count, feed.last_new_count) == (1, 1)
    assert list(SourceItem.objects.values_list("title", flat=True)) == ["second story 1"]
