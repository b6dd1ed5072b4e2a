"""Moving briefings through the newsroom: the one place that changes a briefing's status.

Each transition locks the briefing, asks the table of actions (``ACTIONS``, at the end) whether
the user may make it in the briefing's current state (``PermissionDenied`` otherwise, whatever
was posted), validates, writes, and records itself in the transition log, all in one
transaction. The same table tells the admin which controls to draw, what each asks for and
what to say when it is done; views and the admin only call these functions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from newsroom.cache import clear_public_pages
from newsroom.plaintext import html_to_text
from newsroom.sanitize import sanitize_html
from sources.models import SourceItem

from . import checklist, notifications, permissions, renditions
from .credits import record_credits
from .models import (
    Briefing,
    PublicNote,
    Revision,
    SearchEntry,
    SitemapMonth,
    StandardsVersion,
    Transition,
)
from .snapshot import Snapshot

Status = Briefing.Status
Action = Transition.Action

# Saves closer together than this, by the same person with no workflow step in between, are
# kept as one saved draft (the latest of them): autosave every few seconds keeps at most one
# draft per ten minutes of someone's work.
DRAFT_WINDOW = timedelta(minutes=10)


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
def make_live(briefing: Briefing, user=None, when=None, snapshot=None) -> Revision:
    """Freeze the working copy (or the ``snapshot`` already built of it) as a revision and make
    it the one readers see. ``when`` in the future schedules the briefing."""
    now = timezone.now()
    publish_at = when or briefing.published_at or now
    # Readers first see this revision at the publish time, or now for a briefing already live.
    standards = StandardsVersion.objects.current(at=max(publish_at, now))
    before = briefing.live_revision if briefing.live_revision_id else None
    revision = Revision.freeze(briefing, user, snapshot, standards=standards)
    image = revision.snapshot.image
    if image:
        previous = before.snapshot.image if before and before.lead_image == image.name else None
        renditions.publish(image, previous)
    briefing.live_revision = revision
    if before is not None:
        briefing.republished_at = revision.created_at
    briefing.has_unpublished_changes = False
    previous = briefing.published_at  # a rescheduled briefing leaves its month
    briefing.published_at = publish_at
    briefing.status = Status.SCHEDULED if briefing.published_at > now else Status.PUBLISHED
    briefing.save()
    SearchEntry.update_for(briefing)
    SitemapMonth.refresh(previous, publish_at)
    transaction.on_commit(clear_public_pages)
    return revision


@transaction.atomic
def save_working_copy(user, briefing: Briefing, changed: bool = True) -> Briefing:
    """Record that the working copy of ``briefing`` was saved (by the admin's form, the demo,
    a script): its version moves on, so any form opened before is stale, and a live briefing
    now has changes readers do not see until they are reviewed and published. A changed
    working copy is kept as a saved draft revision (``keep_draft``)."""
    row = Briefing.objects.filter(pk=briefing.pk)
    row.update(version=F("version") + 1, modified_at=timezone.now())
    # An item a briefing names leaves the inbox's triage (and its admin locks it).
    SourceItem.objects.filter(briefings__pk=briefing.pk).exclude(
        status=SourceItem.Status.USED
    ).update(status=SourceItem.Status.USED)
    if changed:
        row.filter(live_revision__isnull=False).update(has_unpublished_changes=True)
    briefing.refresh_from_db(fields=["version", "has_unpublished_changes", "modified_at"])
    if changed:
        keep_draft(user, briefing)
    return briefing


def keep_draft(user, briefing: Briefing) -> Revision | None:
    """Keep the working copy as a saved draft revision (never shown to readers), so an earlier
    draft can be compared and restored. A working copy equal to the latest revision is not
    kept again. Within ``DRAFT_WINDOW`` of the latest saved draft, by the same person and
    with no workflow step since (a submission, a restore…), the draft is brought up to date
    instead of adding another. Call it with the briefing's row locked."""
    snapshot = Snapshot.of(Briefing.objects.get(pk=briefing.pk))  # as saved, not as in memory
    latest = briefing.revisions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return None
    if (
        latest is not None
        and latest.kind == Revision.Kind.DRAFT
        and latest.created_by_id is not None
        and latest.created_by_id == getattr(user, "pk", None)
        and latest.created_at > timezone.now() - DRAFT_WINDOW
        and not briefing.transitions.filter(created_at__gte=latest.created_at).exists()
    ):
        latest.rewrite(snapshot)
        return latest
    return Revision.freeze(briefing, user, snapshot, kind=Revision.Kind.DRAFT)


def _locked(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def _require_version(briefing: Briefing, expected_version: int | None) -> None:
    """``expected_version`` is the version the user saw (None: the caller is not a form)."""
    if expected_version is not None and expected_version != briefing.version:
        raise BriefingChanged()


def _require(user, action: str, briefing: Briefing) -> None:
    if not ACTIONS[action].allows(user, briefing):
        raise PermissionDenied(
            f"You may not {action.replace('_', ' ')} this briefing "
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


def _ready(briefing: Briefing) -> Snapshot:
    """The working copy's snapshot, built once for the checklist and the revision alike."""
    snapshot = Snapshot.of(briefing)
    unmet = checklist.unmet(snapshot)
    if unmet:
        raise ChecklistIncomplete(unmet)
    return snapshot


def publication_checklist(briefing: Briefing) -> list[checklist.Check]:
    """The checklist for the working copy, met and unmet items alike."""
    return checklist.run(Snapshot.of(briefing))


@transaction.atomic
def submit_for_review(
    user, briefing: Briefing, comment: str = "", expected_version: int | None = None
) -> Briefing:
    briefing = _locked(briefing)
    _require(user, Action.SUBMIT, briefing)
    _require_version(briefing, expected_version)
    unmet = checklist.unmet_for_review(Snapshot.of(briefing))
    if unmet:
        raise ChecklistIncomplete(unmet, "Not ready for review")
    before = briefing.status
    _set_status(briefing, Status.IN_REVIEW)
    note = comment.strip()
    _log(briefing, Action.SUBMIT, before, user, note)
    notifications.submitted(briefing, user, note)
    return briefing


@transaction.atomic
def request_changes(
    user, briefing: Briefing, comment: str, expected_version: int | None = None
) -> Briefing:
    briefing = _locked(briefing)
    _require(user, Action.REQUEST_CHANGES, briefing)
    _require_version(briefing, expected_version)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Say what needs to change: the writer sees this comment.")
    before = briefing.status
    _set_status(briefing, Status.CHANGES_REQUESTED)
    _log(briefing, Action.REQUEST_CHANGES, before, user, comment)
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
    _require(user, Action.PUBLISH, briefing)
    _require_version(briefing, expected_version)
    snapshot = _ready(briefing)
    before = briefing.status
    when = None if briefing.is_live else timezone.now()
    revision = make_live(briefing, user, when, snapshot)
    _log(briefing, Action.PUBLISH, before, user, comment.strip(), revision)
    record_credits(briefing, revision)
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
    _require(user, Action.SCHEDULE, briefing)
    _require_version(briefing, expected_version)
    if when is None or when <= timezone.now():
        raise ValidationError("Choose a publish time in the future, or publish now.")
    snapshot = _ready(briefing)
    before = briefing.status
    revision = make_live(briefing, user, when, snapshot)
    _log(
        briefing,
        Action.SCHEDULE,
        before,
        user,
        comment.strip() or f"To be published {timezone.localtime(when):%Y-%m-%d %H:%M %Z}.",
        revision,
    )
    record_credits(briefing, revision)
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
    _require(user, Action.UNSCHEDULE, briefing)
    before, month = briefing.status, briefing.published_at
    briefing.live_revision = None
    briefing.published_at = None
    briefing.has_unpublished_changes = False
    _set_status(
        briefing, Status.IN_REVIEW, "live_revision", "published_at", "has_unpublished_changes"
    )
    SearchEntry.update_for(briefing)
    SitemapMonth.refresh(month)
    _log(briefing, Action.UNSCHEDULE, before, user, comment.strip())
    transaction.on_commit(clear_public_pages)
    return briefing


@transaction.atomic
def withdraw(user, briefing: Briefing, reason: str) -> Briefing:
    """Take a briefing off the site; its address answers 410 Gone with ``reason``, which also
    goes on its public record."""
    briefing = _locked(briefing)
    _require(user, Action.WITHDRAW, briefing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give readers the reason for withdrawing this briefing.")
    before = briefing.status
    _set_status(briefing, Status.WITHDRAWN)
    SearchEntry.update_for(briefing)
    SitemapMonth.refresh(briefing.published_at)
    PublicNote.objects.create(
        briefing=briefing,
        revision_id=briefing.live_revision_id,
        kind=PublicNote.Kind.WITHDRAWAL,
        body=f"<p>{escape(reason)}</p>",
        created_by=user,
    )
    _log(briefing, Action.WITHDRAW, before, user, reason)
    transaction.on_commit(clear_public_pages)
    return briefing


@transaction.atomic
def add_correction(user, briefing: Briefing, kind: str, body: str) -> PublicNote:
    """Add a dated correction, clarification or update to a live briefing's public record.

    Readers see it at once beside the live revision, without any other pending edits; the
    working copy and the revisions are left alone, so no publication can drop or rewrite it.
    """
    briefing = _locked(briefing)
    _require(user, Action.CORRECT, briefing)
    if kind not in PublicNote.ADDED_BY_EDITORS:
        raise ValidationError("Choose correction, clarification or update.")
    body = sanitize_html(body or "")
    if not html_to_text(body):
        raise ValidationError("Write the note readers will see.")
    note = PublicNote.objects.create(
        briefing=briefing,
        revision_id=briefing.live_revision_id,
        kind=kind,
        body=body,
        created_by=user,
    )
    Briefing.objects.filter(pk=briefing.pk).update(modified_at=timezone.now())
    SitemapMonth.refresh(briefing.published_at)  # a dated note is the month's lastmod
    _log(
        briefing,
        Action.CORRECT,
        briefing.status,
        user,
        f"{note.get_kind_display()}: {html_to_text(body)}",
        briefing.live_revision,
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
    revision readers do not see), so it can be restored in turn. The public record is not part
    of a revision, so restoring never touches it.
    """
    briefing = _locked(briefing)
    if revision.briefing_id != briefing.pk:
        raise ValidationError("That revision belongs to another briefing.")
    if not permissions.can_restore(user, briefing):
        raise PermissionDenied("You may not change this briefing now.")
    _require_version(briefing, expected_version)
    working_copy = Snapshot.of(briefing)
    latest = briefing.revisions.order_by("-number").first()
    kept = None
    if latest is None or latest.snapshot != working_copy:
        kept = Revision.freeze(briefing, user, working_copy, kind=Revision.Kind.DRAFT)
    revision.restore()
    briefing.refresh_from_db()
    briefing.has_unpublished_changes = (
        briefing.live_revision_id is not None and briefing.live_revision_id != revision.pk
    )
    briefing.version = F("version") + 1
    briefing.save(update_fields=["has_unpublished_changes", "version", "modified_at"])
    briefing.refresh_from_db()
    comment = f"Restored revision {revision.number} into the working copy."
    if kept is not None:
        comment += f" The working copy as it was is kept as revision {kept.number}."
    _log(briefing, Action.RESTORE, briefing.status, user, comment, revision)
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
            SitemapMonth.refresh(briefing.published_at)  # readers see it now: its month counts it
            _log(
                briefing,
                Action.PUBLISH_SCHEDULED,
                Status.SCHEDULED,
                None,
                revision=briefing.live_revision,
            )
            notifications.published(briefing)
            transaction.on_commit(clear_public_pages)
        published.append(briefing)
    return published


# The table of actions: for each, the states it starts from, who may take it, whether it acts
# on the version the user saw, what it asks for, what it says when done, and its function.
# The permission policy, the admin's dispatcher and its controls all read this table.


@dataclass(frozen=True)
class Field:
    """Something an action asks for, posted as ``<action>-<name>``."""

    name: str
    label: str
    param: str = ""  # the function's parameter, when it is not ``name``
    widget: str = "textarea"  # or "datetime-local", "select"
    required: bool = False
    rows: int = 2
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WorkflowAction:
    name: str
    run: Callable
    from_states: frozenset[str]
    who: Callable[[object, Briefing], bool]
    done: str | Callable[[Briefing], str]  # the success message
    button: str | Callable[[Briefing], str]
    fields: tuple[Field, ...] = ()
    needs_version: bool = True
    when: Callable[[Briefing], bool] = lambda briefing: True
    folded: str = ""  # drawn folded, under this summary
    # A box the user ticks to confirm (the admin refuses the action without it).
    confirm: str = ""
    primary: bool = False
    danger: bool = False

    def done_message(self, briefing: Briefing) -> str:
        return self.done(briefing) if callable(self.done) else self.done

    def button_label(self, briefing: Briefing) -> str:
        return self.button(briefing) if callable(self.button) else self.button

    def allows(self, user, briefing: Briefing) -> bool:
        return (
            permissions.can_view(user, briefing)
            and briefing.status in self.from_states
            and self.when(briefing)
            and self.who(user, briefing)
        )


def _may(codename: str) -> Callable[[object, Briefing], bool]:
    return lambda user, briefing: permissions.has_role_permission(user, codename)


def _approver(user, briefing: Briefing) -> bool:
    return permissions.has_role_permission(
        user, "publish_briefing"
    ) and permissions.may_approve_own(user, briefing)


def _comment(label: str, required: bool = False, rows: int = 2) -> Field:
    return Field("comment", label, required=required, rows=rows)


def _scheduled_for(briefing: Briefing) -> str:
    return f"Scheduled for {timezone.localtime(briefing.published_at):%Y-%m-%d %H:%M %Z}."


def _on_live_page(name: str, run: Callable, codename: str, **rest) -> WorkflowAction:
    """An action on what readers see now (not on the working copy): any live briefing,
    whatever its next changes' state, and no version to check."""
    return WorkflowAction(
        name,
        run,
        _LIVE,
        who=_may(codename),
        when=lambda briefing: briefing.is_live,
        needs_version=False,
        **rest,
    )


_REVIEWED = frozenset({Status.IN_REVIEW, Status.SCHEDULED})
# A live briefing keeps its status while its next changes go through review (or while a
# scheduled one waits for the worker to record its publication).
_LIVE = frozenset({Status.PUBLISHED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.SCHEDULED})
_NOTE_KINDS = tuple((kind.value, kind.label) for kind in PublicNote.ADDED_BY_EDITORS)

ACTIONS: dict[str, WorkflowAction] = {
    action.name: action
    for action in [
        WorkflowAction(
            Action.SUBMIT,
            submit_for_review,
            frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED}),
            who=permissions.can_edit,
            when=lambda b: b.status != Status.PUBLISHED or b.has_unpublished_changes,
            fields=(_comment("Note for the editor (optional)"),),
            done="Submitted for review. The editors have been told.",
            button="Submit for review",
            primary=True,
        ),
        WorkflowAction(
            Action.REQUEST_CHANGES,
            request_changes,
            frozenset({Status.IN_REVIEW}),
            who=_may("review_briefing"),
            fields=(_comment("What needs to change (the writer sees this)", True, 3),),
            done="Changes requested. The authors have been told.",
            button="Request changes",
        ),
        WorkflowAction(
            Action.PUBLISH,
            publish,
            _REVIEWED,
            who=_approver,
            fields=(_comment("Comment (optional)"),),
            done="Published. Readers now see this version.",
            confirm="I have reviewed this version: readers see it as soon as I press the button",
            button=lambda b: (
                "Publish changes"
                if b.is_live
                else ("Publish now" if b.status == Status.SCHEDULED else "Approve and publish")
            ),
            primary=True,
        ),
        WorkflowAction(
            Action.SCHEDULE,
            schedule,
            _REVIEWED,
            who=_approver,
            when=lambda b: not b.is_live,  # a page readers already see is not hidden again
            fields=(Field("publish_at", "Publish at", "when", "datetime-local", required=True),),
            done=_scheduled_for,
            button=lambda b: (
                "Reschedule" if b.status == Status.SCHEDULED else "Approve and schedule"
            ),
        ),
        WorkflowAction(
            Action.UNSCHEDULE,
            unschedule,
            frozenset({Status.SCHEDULED}),
            who=_may("publish_briefing"),
            when=lambda b: not b.is_live,
            needs_version=False,
            fields=(),
            done="Schedule cancelled; the briefing is back in review.",
            button="Cancel the schedule",
        ),
        _on_live_page(
            Action.CORRECT,
            add_correction,
            "correct_briefing",
            fields=(
                Field("kind", "Kind", widget="select", choices=_NOTE_KINDS),
                Field(
                    "body",
                    "Note readers will see (dated today; appears at once and in the "
                    "corrections log)",
                    required=True,
                    rows=3,
                ),
            ),
            done="Note added. Readers see it on the page and in the corrections log.",
            button="Add the note",
            folded="Add a correction, clarification or update",
        ),
        _on_live_page(
            Action.WITHDRAW,
            withdraw,
            "withdraw_briefing",
            fields=(Field("reason", "Reason readers will see", required=True),),
            done="Withdrawn. Its address now answers 410 Gone with your reason.",
            confirm="Take it off the site now: readers see only the reason",
            button="Withdraw",
            folded="Withdraw this briefing",
            danger=True,
        ),
    ]
}


def allowed_actions(user, briefing: Briefing) -> list[WorkflowAction]:
    """The actions ``user`` may take on ``briefing`` now, in the order the desk shows them."""
    return [action for action in ACTIONS.values() if action.allows(user, briefing)]


def can(user, action: str, briefing: Briefing) -> bool:
    return action in ACTIONS and ACTIONS[action].allows(user, briefing)


def take(action: str, user, briefing: Briefing, values: dict, version: int | None) -> Briefing:
    """Take ``action`` with the ``values`` the user gave (by field name, as posted) on the
    ``version`` they saw; returns the briefing as the action left it."""
    spec = ACTIONS[action]
    kwargs = {}
    for field in spec.fields:
        value = values.get(field.name, "")
        if field.widget == "datetime-local":
            value = parse_local_datetime(value)
        kwargs[field.param or field.name] = value
    if spec.needs_version:
        kwargs["expected_version"] = version
    spec.run(user, briefing, **kwargs)
    return Briefing.objects.get(pk=briefing.pk)


def parse_local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` input (in the newsroom's time zone) as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
