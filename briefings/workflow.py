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
from django.utils.dateparse import parse_datetime

from newsroom.cache import clear_public_pages
from newsroom.fields import SanitizedHTML
from newsroom.plaintext import html_to_text
from newsroom.sanitize import sanitize_html

from . import checklist, notifications, permissions
from .models import Briefing, EditorsNote, Revision, Transition
from .models.revision import normalized

Status = Briefing.Status


class BriefingChanged(ValidationError):
    """Refused: the briefing was saved (or restored) after the user opened it, so they would
    approve or act on a version they have not seen."""

    def __init__(self):
        super().__init__(
            "The briefing changed since you opened it; review the changes first.", code="stale"
        )


class ChecklistIncomplete(ValidationError):
    """Publishing or scheduling refused: the publication checklist has unmet items."""

    def __init__(self, unmet: list[checklist.Check], refusal: str = "Not ready to publish"):
        self.unmet = unmet
        super().__init__([f"{refusal}. {check}." for check in unmet], code="checklist_incomplete")


@transaction.atomic
def make_live(briefing: Briefing, user=None, when=None) -> Revision:
    """Freeze the working copy as a revision and make it the one readers see.

    ``when`` in the future schedules the briefing; readers see it from then on. The dated
    notes readers already see are carried into the new revision (see ``_keep_public_notes``).
    """
    now = timezone.now()
    if _keep_public_notes(briefing):
        briefing.version += 1  # the working copy changed under any open form
    revision = Revision.freeze(briefing, user)
    briefing.live_revision = revision
    briefing.has_unpublished_changes = False
    briefing.published_at = when or briefing.published_at or now
    briefing.status = Status.SCHEDULED if briefing.published_at > now else Status.PUBLISHED
    briefing.save()
    transaction.on_commit(clear_public_pages)
    return revision


_SAME_NOTE = ["kind", "body", "second"]


def _note_fields(kind: str, body: str, created_at) -> dict:
    """A note's public fields as a revision stores them (dates to the millisecond), and its
    date to the second: the admin's date and time inputs drop fractions of a second."""
    fields = normalized({"kind": kind, "body": str(body), "created_at": created_at})
    fields["second"] = (fields["created_at"] or "")[:19]
    return fields


def _pop_match(unmatched: dict, note: dict, keys: list[str]) -> EditorsNote | None:
    """Take out of ``unmatched`` the first working-copy note that agrees with ``note`` on
    ``keys``."""
    for pk, (row, fields) in unmatched.items():
        if all(fields[key] == note[key] for key in keys):
            del unmatched[pk]
            return row
    return None


def _keep_public_notes(briefing: Briefing) -> bool:
    """Put the live revision's corrections, clarifications and updates back into the working
    copy where they were deleted, edited or backdated, so that publishing never drops or
    rewrites a dated note readers have seen. Returns whether the working copy changed.

    A note edited in place (same date) or backdated (same kind and text) is set back to its
    public version; a deleted one is added again at the end. Dated notes that are new in the
    working copy are left alone: they go through review like any other edit.
    """
    if briefing.live_revision_id is None:
        return False
    live = Revision.objects.values_list("data", flat=True).get(pk=briefing.live_revision_id)
    public = [
        _note_fields(note.get("kind"), note.get("body") or "", note.get("created_at"))
        for note in live.get("notes", [])
        if note.get("kind") in EditorsNote.DATED_KINDS
    ]
    if not public:
        return False
    rows = list(EditorsNote.objects.filter(briefing=briefing).order_by("position"))
    unmatched = {row.pk: (row, _note_fields(row.kind, row.body, row.created_at)) for row in rows}
    missing = []
    for note in public:
        row = _pop_match(unmatched, note, _SAME_NOTE)
        if row is None:
            missing.append(note)
        elif _note_fields(row.kind, row.body, row.created_at) != note:
            # Only the fraction of a second was lost in a form: keep the public date exact.
            row.created_at = parse_datetime(note["created_at"])
            row.save(update_fields=["created_at"])
    last = max((row.position for row in rows), default=0)
    for note in missing:
        row = _pop_match(unmatched, note, ["second"]) or _pop_match(
            unmatched, note, ["kind", "body"]
        )
        if row is None:
            last += 1
            row = EditorsNote(briefing=briefing, position=last)
        row.kind = note["kind"]
        row.body = SanitizedHTML(note["body"])  # as readers saw it: sanitized before
        row.created_at = parse_datetime(note["created_at"])
        row.save()
    return bool(missing)


def _locked(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def _require_version(briefing: Briefing, expected_version: int | None) -> None:
    """``expected_version`` is the version the user saw (None: the caller is not a form)."""
    if expected_version is not None and expected_version != briefing.version:
        raise BriefingChanged()


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
def submit_for_review(
    user, briefing: Briefing, comment: str = "", expected_version: int | None = None
) -> Briefing:
    briefing = _locked(briefing)
    _require(user, permissions.SUBMIT, briefing)
    _require_version(briefing, expected_version)
    unmet = checklist.unmet_for_review(Revision.unsaved(briefing).data)
    if unmet:
        raise ChecklistIncomplete(unmet, "Not ready for review")
    before = briefing.status
    _set_status(briefing, Status.IN_REVIEW)
    _log(briefing, Transition.Action.SUBMIT, before, user, comment.strip())
    notifications.submitted(briefing, user)
    return briefing


@transaction.atomic
def request_changes(
    user, briefing: Briefing, comment: str, expected_version: int | None = None
) -> Briefing:
    briefing = _locked(briefing)
    _require(user, permissions.REQUEST_CHANGES, briefing)
    _require_version(briefing, expected_version)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Say what needs to change: the writer sees this comment.")
    before = briefing.status
    _set_status(briefing, Status.CHANGES_REQUESTED)
    _log(briefing, Transition.Action.REQUEST_CHANGES, before, user, comment)
    notifications.changes_requested(briefing, user, comment)
    return briefing


@transaction.atomic
def publish(
    user, briefing: Briefing, comment: str = "", expected_version: int | None = None
) -> Briefing:
    """Approve and publish now. A briefing readers already see keeps its first publish time.

    ``expected_version`` is the version the editor reviewed; the admin always passes it, so an
    edit saved meanwhile is never published unseen (``BriefingChanged``).
    """
    briefing = _locked(briefing)
    _require(user, permissions.PUBLISH, briefing)
    _require_version(briefing, expected_version)
    _require_ready(briefing)
    before = briefing.status
    revision = make_live(briefing, user, when=None if briefing.is_live else timezone.now())
    _log(briefing, Transition.Action.PUBLISH, before, user, comment.strip(), revision)
    notifications.published(briefing, user)
    return briefing


@transaction.atomic
def schedule(
    user,
    briefing: Briefing,
    when: datetime,
    comment: str = "",
    expected_version: int | None = None,
) -> Briefing:
    """Approve now, publish at ``when``: the revision is frozen today, readers see it then.
    ``expected_version`` as for ``publish``."""
    briefing = _locked(briefing)
    _require(user, permissions.SCHEDULE, briefing)
    _require_version(briefing, expected_version)
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
    public_note = next(
        n for n in Revision.unsaved(briefing).data["notes"] if n["position"] == note.position
    )
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
def restore_revision(
    user, briefing: Briefing, revision: Revision, expected_version: int | None = None
) -> Briefing:
    """Copy an earlier revision back into the working copy. Readers see it only once it has
    been reviewed and published again.

    Nothing is lost: a working copy that differs from the latest revision is frozen first (a
    revision readers do not see), so it can be restored in turn; dated public notes stay.
    """
    briefing = _locked(briefing)
    if revision.briefing_id != briefing.pk:
        raise ValidationError("That revision belongs to another briefing.")
    if not permissions.can_restore(user, briefing):
        raise PermissionDenied("You may not change this briefing now.")
    _require_version(briefing, expected_version)
    working_copy = Revision.unsaved(briefing).data
    latest = briefing.revisions.order_by("-number").first()
    kept = None
    if latest is None or latest.data != working_copy:
        kept = Revision.freeze(briefing, user)
    revision.restore()
    briefing.refresh_from_db()
    _keep_public_notes(briefing)
    briefing.has_unpublished_changes = (
        briefing.live_revision_id is not None and briefing.live_revision_id != revision.pk
    )
    briefing.version = F("version") + 1
    briefing.save(update_fields=["has_unpublished_changes", "version", "modified_at"])
    briefing.refresh_from_db()
    comment = f"Restored revision {revision.number} into the working copy."
    if kept is not None:
        comment += f" The working copy as it was is kept as revision {kept.number}."
    _log(briefing, Transition.Action.RESTORE, briefing.status, user, comment, revision)
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
