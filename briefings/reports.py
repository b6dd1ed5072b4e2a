"""Readers' error reports: filing one from the public form (throttled per address through the
cache), and the editors' decisions on it. Turning an accepted report into a note on the public
record goes through ``workflow.add_correction``, so the same rules decide who may correct."""

import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from newsroom.cache import CACHE_ERRORS, count_hit

from . import notifications, permissions, workflow
from .models import Briefing, ErrorReport, PublicNote

logger = logging.getLogger(__name__)

# Reports one address may file in a window; a reader with more to say writes to CONTACT_EMAIL.
REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 60 * 60

Status = ErrorReport.Status


def _throttle_key(address: str | None) -> str:
    return f"error-reports:{address or 'unknown'}"


def throttled(address: str | None) -> bool:
    """Whether ``address`` has filed its share of reports for now. The cache is a guard, not
    a dependency: when it cannot be reached, reports are let through."""
    try:
        return (cache.get(_throttle_key(address)) or 0) >= REPORTS_PER_WINDOW
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable, error reports not throttled: %s", error)
        return False


def _count(address: str | None) -> None:
    if count_hit(_throttle_key(address), WINDOW_SECONDS) is None:
        logger.warning("Cache unavailable, error report not counted.")


def file_report(report: ErrorReport, address: str | None) -> ErrorReport:
    """Save a reader's (validated) report of an error on a live briefing."""
    if not report.briefing.is_live or report.briefing.status == Briefing.Status.WITHDRAWN:
        raise ValidationError("This briefing does not take reports.")
    report.status = Status.NEW
    report.save()
    _count(address)
    return report


def may_triage(user) -> bool:
    return permissions.has_role_permission(user, "change_errorreport")


def may_correct_from(user, report: ErrorReport) -> bool:
    """Whether ``user`` may turn ``report`` into a note on the public record now."""
    return (
        may_triage(user)
        and report.status == Status.ACCEPTED
        and report.public_note_id is None
        and workflow.can(user, workflow.Action.CORRECT, report.briefing)
    )


@transaction.atomic
def decide(user, report: ErrorReport, status: str) -> ErrorReport:
    """Accept or decline a report. A declined report is resolved: a reader who left an email
    is told."""
    if not may_triage(user):
        raise PermissionDenied("You may not triage error reports.")
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    if status not in (Status.ACCEPTED, Status.DECLINED):
        raise ValidationError("Accept or decline the report.")
    if report.public_note_id is not None:
        raise ValidationError("This report already led to a note on the public record.")
    if report.status == status:
        return report
    report.status = status
    report.decided_by = user
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at"])
    if status == Status.DECLINED:
        notifications.report_resolved(report)
    return report


@transaction.atomic
def correct_from_report(user, report: ErrorReport, kind: str, body: str) -> PublicNote:
    """Add the note an accepted report led to, and link the two, in one transaction; the
    reader who left an email is told."""
    report = ErrorReport.objects.select_for_update().select_related("briefing").get(pk=report.pk)
    if not may_correct_from(user, report):
        raise PermissionDenied("You may not turn this report into a note now.")
    if kind not in (PublicNote.Kind.CORRECTION, PublicNote.Kind.CLARIFICATION):
        raise ValidationError("Choose correction or clarification.")
    note = workflow.add_correction(user, report.briefing, kind, body)
    report.public_note = note
    report.save(update_fields=["public_note"])
    notifications.report_resolved(report)
    return note


def _text(value: str) -> str:
    """``value`` as HTML text, readable in the editor's textarea (quotes need no escaping
    outside attributes)."""
    return escape(value).replace("&#x27;", "'").replace("&quot;", '"')


def suggested_note(report: ErrorReport) -> str:
    """The note's first draft, from what the reader quoted and said; the editor rewrites it."""
    return (
        f"<p>An earlier version of this briefing said “{_text(report.passage)}”.</p>\n"
        f"<p>{_text(report.problem)}</p>"
    )
