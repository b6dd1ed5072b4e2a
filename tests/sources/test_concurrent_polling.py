"""Two pollers at once (two cron jobs, or cron and a worker) share the work, never repeat it."""

import threading
import time

import pytest
from django.db import connection

from sources.models import SourceItem
from sources.polling import poll_due_feeds
from tests.factories import FeedFactory

from .conftest import rss_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database reports concurrent writers as locked tables; "
    "a real SQLite file waits instead (busy timeout). Runs on PostgreSQL, as CI does.",
)
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
    assert sum(result.new_items for result in results) >= 20
