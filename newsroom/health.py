"""Is scheduled publication running?

Scheduled publication needs something to run it: the task worker's recurring check, or the
``publish_scheduled`` cron job. Each records a check-in when it has looked for due
briefings; a check-in older than ``STALE_AFTER`` (or none at all) means nothing runs it.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import SchedulerCheckIn

STALE_AFTER = timedelta(minutes=5)
CHECK_IN_ID = 1  # the one row


def check_in(now: datetime | None = None) -> None:
    """Record that scheduled publication has just run."""
    SchedulerCheckIn.objects.update_or_create(
        pk=CHECK_IN_ID, defaults={"at": now or timezone.now()}
    )


def scheduler(now: datetime | None = None) -> dict:
    """The last check-in: ``at`` (None if never), its age in whole seconds, and ``ok``."""
    now = now or timezone.now()
    at = SchedulerCheckIn.objects.filter(pk=CHECK_IN_ID).values_list("at", flat=True).first()
    age = None if at is None else max(0, int((now - at).total_seconds()))
    return {"at": at, "age_seconds": age, "ok": at is not None and now - at <= STALE_AFTER}
