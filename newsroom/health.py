"""Is everything that serves and publishes running? For monitoring and for the editors' desk.

Scheduled publication needs something to run it: the task worker's recurring check, or the
``publish_scheduled`` cron job. Each records a check-in when it has looked for due
briefings; a check-in older than ``STALE_AFTER`` (or none at all) means nothing runs it.

``/health/`` answers JSON for the database, the cache and that check-in: 200 when all are
fine, 503 when any is not. It names no host, error or version, needs no log-in and is never
cached; what went wrong is logged on the server.
"""

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import SchedulerCheckIn

logger = logging.getLogger(__name__)

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


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: the database did not answer: %s", error)
        return {"status": "fail"}
    return {"status": "ok"}


def _cache() -> dict:
    key, value = "health:probe", get_random_string(16)
    try:
        cache.set(key, value, timeout=60)
        answered = cache.get(key)
    except Exception as error:  # any backend's failure is an answer here, never a 500
        logger.error("Health check: the cache did not answer: %s", error)
        return {"status": "fail"}
    if answered != value:
        logger.error("Health check: the cache did not keep a value for a moment.")
        return {"status": "fail"}
    return {"status": "ok"}


def _scheduler() -> dict:
    try:
        state = scheduler()
    except DatabaseError:
        return {"status": "fail", "last_check_in": None, "age_seconds": None}
    return {
        "status": "ok" if state["ok"] else "fail",
        "last_check_in": state["at"].isoformat() if state["at"] else None,
        "age_seconds": state["age_seconds"],
        "stale_after_seconds": int(STALE_AFTER.total_seconds()),
    }


@never_cache
@require_safe
def health(request):
    checks = {"database": _database(), "cache": _cache(), "scheduler": _scheduler()}
    ok = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
