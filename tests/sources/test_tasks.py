"""Polling through django.tasks and the django-tasks-db worker: the alternative to cron."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sources.models import SourceItem
from sources.tasks import poll_due_feeds_task, poll_feed_task, schedule_polling
from tests.factories import FeedFactory

# The worker closes connections between tasks, as it should; that needs real transactions.
# serialized_rollback: the flush afterwards must not re-create content types (post_migrate)
# that a later serialized_rollback test reloads (their ids would collide).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())


def test_worker_runs_a_queued_poll_of_one_feed(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss2.xml"))
    result = poll_feed_task.enqueue(feed.pk)
    run_worker()
    result.refresh()
    assert result.return_value == {"outcome": "new", "new_items": 3, "message": ""}
    assert SourceItem.objects.filter(feed=feed).count() == 3


def test_schedule_starts_one_repeating_poll_and_the_worker_keeps_it_going(feed_server):
    FeedFactory(url=feed_server.url("/feeds/atom.xml"))
    assert schedule_polling(60) is True
    assert schedule_polling(60) is False  # already waiting: no second chain
    waiting = DBTaskResult.objects.get()
    assert waiting.run_after > timezone.now() + timedelta(seconds=50)

    DBTaskResult.objects.update(run_after=timezone.now())  # let its time come
    run_worker()

    assert SourceItem.objects.count() == 2
    ran, queued = DBTaskResult.objects.order_by("enqueued_at")
    assert ran.status == "SUCCESSFUL"
    assert ran.return_value == {"new": 1, "new_items": 2}
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"] == {"repeat_every": 60}
    assert queued.run_after > timezone.now() + timedelta(seconds=50)


def test_a_one_off_poll_does_not_count_as_the_repeating_one():
    poll_due_feeds_task.enqueue()
    assert schedule_polling(60) is True


def test_poll_feeds_schedule_command_is_idempotent():
    out = StringIO()
    call_command("poll_feeds", "--schedule", "--every", "300", stdout=out)
    call_command("poll_feeds", "--schedule", stdout=out)
    assert "scheduled every 300 s" in out.getvalue()
    assert "already scheduled" in out.getvalue()
    assert DBTaskResult.objects.count() == 1
