"""Polling as background tasks (``django.tasks``), the alternative to a cron job.

With the database backend (django-tasks-db) a worker, ``manage.py db_worker``, runs them.
``manage.py poll_feeds --schedule`` starts a repeating run: each run polls the feeds that
are due and queues the next one, so the worker alone keeps the feeds coming in. The admin's
"Poll now" queues a poll of one feed, so no request waits for a feed's server.
"""

from collections import Counter
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from .models import Feed
from .polling import poll_due_feeds, poll_feed

DEFAULT_EVERY_SECONDS = 120


@task
def poll_feed_task(feed_id: int) -> dict:
    result = poll_feed(feed_id)
    return {"outcome": result.outcome, "new_items": result.new_items, "message": result.message}


@task
def poll_due_feeds_task(repeat_every: int = 0) -> dict:
    """Poll the feeds that are due; with ``repeat_every`` (seconds), queue the next run."""
    try:
        results = poll_due_feeds()
    finally:
        if repeat_every:
            schedule_polling(repeat_every)
    outcomes = Counter(result.outcome for result in results)
    return {**outcomes, "new_items": sum(result.new_items for result in results)}


def _waiting(task, **lookups) -> bool:
    """True when ``task`` is queued and not started yet (the database backend can tell)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(
        status="READY", task_path=task.module_path, **lookups
    ).exists()


def queue_poll(feed: Feed) -> str:
    """Queue a poll of ``feed`` for the worker ("Poll now"), unless that would be in vain.

    Returns "queued", or why not: "polling" (a poller has the feed right now) or "waiting"
    (a poll of it is queued already). The worker records the result on the feed.
    """
    if not Feed.objects.filter(pk=feed.pk).unlocked().exists():
        return "polling"
    if _waiting(poll_feed_task, args_kwargs__args__0=feed.pk):
        return "waiting"
    poll_feed_task.enqueue(feed.pk)
    return "queued"


def schedule_polling(every_seconds: int = DEFAULT_EVERY_SECONDS) -> bool:
    """Queue the next repeating run unless one is waiting. True if one was queued."""
    backend = poll_due_feeds_task.get_backend()
    if not backend.supports_defer:
        raise RuntimeError(f"The {backend.alias!r} task backend cannot run tasks later.")
    if _waiting(poll_due_feeds_task, args_kwargs__kwargs__has_key="repeat_every"):
        return False
    run_after = timezone.now() + timedelta(seconds=every_seconds)
    poll_due_feeds_task.using(run_after=run_after).enqueue(repeat_every=every_seconds)
    return True
