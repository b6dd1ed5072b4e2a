from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sources.models import Feed, SourceItem
from tests.factories import FeedFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("poll_feeds", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_poll_feeds_twice_over_the_same_feeds_creates_no_duplicates(feed_server):
    for path in ["/feeds/rss2.xml", "/feeds/atom.xml", "/feeds/rss1.rdf"]:
        FeedFactory(url=feed_server.url(path))
    out, _ = run()
    assert "Polled 3 feed(s): 7 new item(s), 0 unchanged, 0 failed." in out
    Feed.objects.update(next_poll_at=None)
    out, _ = run()
    assert "Polled 3 feed(s): 0 new item(s), 3 unchanged, 0 failed." in out
    assert SourceItem.objects.count() == 7
    assert SourceItem.objects.values("url").distinct().count() == 7


def test_poll_feeds_is_silent_when_nothing_is_due(feed_server):
    FeedFactory(url=feed_server.url("/feeds/rss2.xml"), is_active=False)
    assert run() == ("", "")


def test_broken_feed_shows_its_error_while_the_healthy_ones_keep_coming_in(feed_server):
    healthy = FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    broken = FeedFactory(url=feed_server.url("/status/500"))
    out, err = run("--verbosity", "2")
    assert "1 failed" in out
    assert f"{broken.url}: failed: The server answered HTTP 500" in err
    assert f"{healthy.url}: 3 new item(s)" in out
    assert SourceItem.objects.filter(feed=healthy).count() == 3


def test_poll_feeds_all_polls_active_feeds_that_are_not_due(feed_server):
    FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    run()
    assert run()[0] == ""
    out, _ = run("--all")
    assert "Polled 1 feed(s): 0 new item(s), 1 unchanged" in out
    assert feed_server.hits("/feeds/rss2.xml") == 2


def test_poll_feeds_polls_one_feed_by_id_or_url(feed_server):
    first = FeedFactory(url=feed_server.url("/feeds/rss2.xml"), is_active=False)
    second = FeedFactory(url=feed_server.url("/feeds/atom.xml"))
    out, _ = run(str(first.pk))
    assert f"{first.url}: 3 new item(s)" in out
    out, _ = run(second.url)
    assert f"{second.url}: 2 new item(s)" in out


def test_poll_feeds_names_an_unknown_feed():
    with pytest.raises(CommandError, match="No feed with the id or URL 'nope'"):
        run("nope")


def test_poll_feeds_enqueue_queues_a_background_poll(feed_server):
    from django_tasks_db.models import DBTaskResult

    feed = FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    out, _ = run("--enqueue")
    assert "Queued a background poll of the feeds that are due." in out
    out, _ = run("--enqueue", str(feed.pk))
    assert "Queued 1 background poll(s)." in out
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "sources.tasks.poll_due_feeds_task",
        "sources.tasks.poll_feed_task",
    ]
    assert feed_server.requests == []
