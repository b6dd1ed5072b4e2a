"""Background tasks (django.tasks), run by the task worker: ``manage.py worker``.

Scheduled publication has two ways to happen, both through ``workflow.publish_due_scheduled``:

* scheduling a briefing queues ``publish_scheduled`` to run at its publish time exactly;
* the worker also runs ``publish_scheduled`` every ``CHECK_EVERY_SECONDS`` as a repeating
  check (``schedule_checks``, queued when ``manage.py worker`` starts), which publishes
  anything due whose own task was lost and records the check-in the desk's warning and
  ``/health/`` read.

Without a worker, the ``publish_scheduled`` management command from cron does the same.

Each check also clears the public pages when a standards version saved ahead of its time
took effect since the check before: pages written meanwhile show the version before it.
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import health
from newsroom.cache import clear_public_pages

from . import workflow
from .models import StandardsVersion

CHECK_EVERY_SECONDS = 20
# The repeating check's finished runs are kept this long, then deleted by the check itself
# (three a minute would otherwise pile up); failed runs stay for someone to read.
KEEP_FINISHED_CHECKS = timedelta(hours=1)


@task()
def publish_scheduled(repeat_every: int = 0) -> int:
    """Publish every scheduled briefing whose time has come and record the check-in; with
    ``repeat_every`` (seconds), queue the next check."""
    try:
        published = run_due()
    finally:
        if repeat_every:
            schedule_checks(repeat_every, first_in=repeat_every)
            _forget_finished_checks()
    return len(published)


def run_due(now=None) -> list:
    """One check: publish what is due, clear the pages if standards took effect since the
    last check, and check in. The published briefings."""
    now = now or timezone.now()
    since = health.scheduler(now)["at"]
    published = workflow.publish_due_scheduled(now)
    took_effect = StandardsVersion.objects.filter(effective_at__lte=now)
    if since is not None:
        took_effect = took_effect.filter(effective_at__gt=since)
    if took_effect.exists():
        clear_public_pages()
    health.check_in(now)
    return published


def _checks():
    return DBTaskResult.objects.filter(
        task_path=publish_scheduled.module_path, args_kwargs__kwargs__has_key="repeat_every"
    )


def schedule_checks(every_seconds: int = CHECK_EVERY_SECONDS, first_in: int = 0) -> bool:
    """Queue the repeating check to run in ``first_in`` seconds, unless one is waiting to
    run already (so two workers starting together, or a check queued twice, make one chain
    again at their next run). True if one was queued."""
    if _checks().filter(status="READY").exists():
        return False
    run_after = timezone.now() + timedelta(seconds=first_in)
    publish_scheduled.using(run_after=run_after).enqueue(repeat_every=every_seconds)
    return True


def _forget_finished_checks() -> None:
    cutoff = timezone.now() - KEEP_FINISHED_CHECKS
    _checks().filter(status="SUCCESSFUL", finished_at__lt=cutoff).delete()
