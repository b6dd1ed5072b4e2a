"""Moving briefings through the newsroom: the one place that changes a briefing's status.

Each transition locks the briefing, asks ``permissions`` whether the user may make it in the
briefing's current state (``PermissionDenied`` otherwise, whatever was posted), validates,
writes, and records itself in the transition log, all in one transaction. Views and the admin
only call these functions.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from newsroom.cache import clear_public_pages
from newsroom.plaintext import html_to_text
from newsroom.sanitize import sanitize_html

from . import checklist, notifications, permissions
from .models import Briefing, EditorsNote, Revision, Transition
from .models.revision import _child_names, _dump

Status = Briefing.Status


class ChecklistIncomplete(ValidationError):
    """Publishing or scheduling refused: the publication checklist has unmet items."""

    def __init__(self, unmet: list[checklist.Check]):
        self.unmet = unmet
        super().__init__(
            [f"Not ready to publish. {check}." for check in unmet], code="checklist_incomplete"
        )


@transaction.atomic
def make_live(briefing: Briefing, user=None, when=None) -> Revision:
    """Freeze the working copy as a revision and make it the one readers see.

    ``when`` in the future schedules the briefing; readers see it from then on.
    """
    now = timezone.now()
    revision = Revision.freeze(briefing, user)
    briefing.live_revision = revision
    briefing.has_unpublished_changes = False
    briefing.published_at = when or briefing.published_at or now
    briefing.status = Status.SCHEDULED if briefing.published_at > now else Status.PUBLISHED
    briefing.save()
    transaction.on_commit(clear_public_pages)
    return revision


def _locked(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def _require(user, transition: str, briefing: Briefing) -> None:
    if not permissions.can(user, transition, briefing):
        raise PermissionDenied(
            f"You may not {transition.replace('_', ' ')} this briefing "
            f"while it is {briefing.get_status_display().lower()}."
        )


def _log(briefing, action, from_status, user, comment="", revision=None) -> Transition:
    return Transition.objects.create(
        briefing=briefing,
        action=action,
        from_status=from_status,
        to_status=briefing.status,
        user=user,
        comment=comment,
        revision=revision,
    )


def _set_status(briefing: Briefing, status: str, *extra_fields: str) -> None:
    briefing.status = status
    briefing.save(update_fields=["status", "modified_at", *extra_fields])


def _require_ready(briefing: Briefing) -> None:
    unmet = checklist.unmet(Revision.unsaved(briefing).data)
    if unmet:
        raise ChecklistIncomplete(unmet)


def publication_checklist(briefing: Briefing) -> list[checklist.Check]:
    """The checklist for the working copy, met and unmet items alike."""
    return checklist.run(Revision.unsaved(briefing).data)


@transaction.atomic
def submit_for_review(user, briefing: Briefing, comment: str = "") -> Briefing:
    briefing = _locked(briefing)
    _require(user, permissions.SUBMIT, briefing)
    before = briefing.status
    _set_status(briefing, Status.IN_REVIEW)
    _log(briefing, Transition.Action.SUBMIT, before, user, comment.strip())
    notifications.submitted(briefing, user)
    return briefing


@transaction.atomic
def request_changes(user, briefing: Briefing, comment: str) -> Briefing:
    briefing = _locked(briefing)
    _require(user, permissions.REQUEST_CHANGES, briefing)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Say what needs to change: the writer sees this comment.")
    before = briefing.status
    _set_status(briefing, Status.CHANGES_REQUESTED)
    _log(briefing, Transition.Action.REQUEST_CHANGES, before, user, comment)
    notifications.changes_requested(briefing, user, comment)
    return briefing


@transaction.atomic
def publish(user, briefing: Briefing, comment: str = "") -> Briefing:
    """Approve and publish now. A briefing readers already see keeps its first publish time."""
    briefing = _locked(briefing)
    _require(user, permissions.PUBLISH, briefing)
    _require_ready(briefing)
    before = briefing.status
    revision = make_live(briefing, user, when=None if briefing.is_live else timezone.now())
    _log(briefing, Transition.Action.PUBLISH, before, user, comment.strip(), revision)
    notifications.published(briefing, user)
    return briefing


@transaction.atomic
def schedule(user, briefing: Briefing, when: datetime, comment: str = "") -> Briefing:
    """Approve now, publish at ``when``: the revision is frozen today, readers see it then."""
    briefing = _locked(briefing)
    _require(user, permissions.SCHEDULE, briefing)
    if when is None or when <= timezone.now():
        raise ValidationError("Choose a publish time in the future, or publish now.")
    _require_ready(briefing)
    before = briefing.status
    revision = make_live(briefing, user, when=when)
    _log(
        briefing,
        Transition.Action.SCHEDULE,
        before,
        user,
        comment.strip() or f"To be published {timezone.localtime(when):%Y-%m-%d %H:%M %Z}.",
        revision,
    )
    transaction.on_commit(lambda: _enqueue_publication(when))
    return briefing


def _enqueue_publication(when: datetime) -> None:
    """With a task worker running, publish at ``when`` exactly; cron is the fallback."""
    from .tasks import publish_scheduled

    publish_scheduled.using(run_after=when).enqueue()


@transaction.atomic
def unschedule(user, briefing: Briefing, comment: str = "") -> Briefing:
    """Cancel a scheduled publication: the briefing goes back to review."""
    briefing = _locked(briefing)
    _require(user, permissions.UNSCHEDULE, briefing)
    before = briefing.status
    briefing.live_revision = None
    briefing.published_at = None
    briefing.has_unpublished_changes = False
    _set_status(
        briefing, Status.IN_REVIEW, "live_revision", "published_at", "has_unpublished_changes"
    )
    _log(briefing, Transition.Action.UNSCHEDULE, before, user, comment.strip())
    transaction.on_commit(clear_public_pages)
    return briefing


@transaction.atomic
def withdraw(user, briefing: Briefing, reason: str) -> Briefing:
    """Take a briefing off the site; its address answers 410 Gone with ``reason``."""
    briefing = _locked(briefing)
    _require(user, permissions.WITHDRAW, briefing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give readers the reason for withdrawing this briefing.")
    before = briefing.status
    briefing.withdrawn_reason = reason
    _set_status(briefing, Status.WITHDRAWN, "withdrawn_reason")
    _log(briefing, Transition.Action.WITHDRAW, before, user, reason)
    transaction.on_commit(clear_public_pages)
    return briefing


@transaction.atomic
def add_correction(user, briefing: Briefing, kind: str, body: str) -> EditorsNote:
    """Add a dated correction, clarification or update to a live briefing.

    Readers see the note at once, without any other pending edits: the new live revision is
    the current live snapshot plus the note. The working copy gets the note too, so the next
    publication keeps it.
    """
    briefing = _locked(briefing)
    _require(user, permissions.CORRECT, briefing)
    if kind not in EditorsNote.DATED_KINDS:
        raise ValidationError("Choose correction, clarification or update.")
    body = sanitize_html(body or "")
    if not html_to_text(body):
        raise ValidationError("Write the note readers will see.")
    last = briefing.notes.aggregate(last=Max("position"))["last"] or 0
    note = EditorsNote.objects.create(
        briefing=briefing, position=last + 1, kind=kind, body=body, created_at=timezone.now()
    )
    data = dict(briefing.live_revision.data)
    live_notes = list(data.get("notes", []))
    public_note = _dump(note, _child_names(EditorsNote))
    public_note["position"] = max((n.get("position", 0) for n in live_notes), default=0) + 1
    data["notes"] = [*live_notes, public_note]
    revision = Revision.from_data(briefing, data, user)
    briefing.live_revision = revision
    briefing.version = F("version") + 1
    briefing.save(update_fields=["live_revision", "version", "modified_at"])
    briefing.refresh_from_db(fields=["version"])
    _log(
        briefing,
        Transition.Action.CORRECT,
        briefing.status,
        user,
        f"{note.get_kind_display()}: {html_to_text(body)}",
        revision,
    )
    transaction.on_commit(clear_public_pages)
    return note


@transaction.atomic
def restore_revision(user, briefing: Briefing, revision: Revision) -> Briefing:
    """Copy an earlier revision back into the working copy. Readers see it only once it has
    been reviewed and published again."""
    briefing = _locked(briefing)
    if revision.briefing_id != briefing.pk:
        raise ValidationError("That revision belongs to another briefing.")
    if not permissions.can_restore(user, briefing):
        raise PermissionDenied("You may not change this briefing now.")
    revision.restore()
    briefing.refresh_from_db()
    briefing.has_unpublished_changes = (
        briefing.live_revision_id is not None and briefing.live_revision_id != revision.pk
    )
    briefing.version = F("version") + 1
    briefing.save(update_fields=["has_unpublished_changes", "version", "modified_at"])
    briefing.refresh_from_db()
    _log(
        briefing,
        Transition.Action.RESTORE,
        briefing.status,
        user,
        f"Restored revision {revision.number} into the working copy.",
        revision,
    )
    return briefing


def publish_due_scheduled(now: datetime | None = None) -> list[Briefing]:
    """Flip scheduled briefings whose time has come to published; the cron job and the task
    both call this. Readers already see them (public queries respect the time); this records
    the publication, clears cached pages and tells the authors."""
    now = now or timezone.now()
    due = Briefing.objects.filter(status=Status.SCHEDULED, published_at__lte=now)
    published = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            briefing = (
                Briefing.objects.select_for_update()
                .filter(pk=pk, status=Status.SCHEDULED, published_at__lte=now)
                .first()
            )
            if briefing is None:
                continue
            _set_status(briefing, Status.PUBLISHED)
            _log(
                briefing,
                Transition.Action.PUBLISH_SCHEDULED,
                Status.SCHEDULED,
                None,
                revision=briefing.live_revision,
            )
            notifications.published(briefing)
            transaction.on_commit(clear_public_pages)
        published.append(briefing)
    return published
