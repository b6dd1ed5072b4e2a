"""Polling as background tasks (``django.tasks``), the alternative to a cron job.

With the database backend (django-tasks-db) a worker, ``manage.py db_worker``, runs them.
``manage.py poll_feeds --schedule`` starts a repeating run: each run polls the feeds that
are due and queues the next one, so the worker alone keeps the feeds coming in.
"""

from collections import Counter
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

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


def _next_run_waiting() -> bool:
    """True when a repeating run is already queued (the database backend can tell)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(
        status="READY",
        task_path=poll_due_feeds_task.module_path,
        args_kwargs__kwargs__has_key="repeat_every",
    ).exists()


def schedule_polling(every_seconds: int = DEFAULT_EVERY_SECONDS) -> bool:
    """Queue the next repeating run unless one is waiting. True if one was queued."""
    backend = poll_due_feeds_task.get_backend()
    if not backend.supports_defer:
        raise RuntimeError(f"The {backend.alias!r} task backend cannot run tasks later.")
    if _next_run_waiting():
        return False
    run_after = timezone.now() + timedelta(seconds=every_seconds)
    poll_due_feeds_task.using(run_after=run_after).enqueue(repeat_every=every_seconds)
    return True
