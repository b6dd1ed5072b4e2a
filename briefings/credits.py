"""Who made a published briefing, read from the workflow's log rather than typed by hand.

Written by the byline (or, without one, whoever submitted it); edited by those who requested
changes, or who submitted or restored edits to a briefing they are not on the byline of;
approved by the editor whose publication (or schedule) made the live revision live. Only the
log up to that approval counts: later transitions concern changes readers do not see yet.
"""

from dataclasses import dataclass

from .models import Briefing, Transition
from .snapshot import Snapshot

Action = Transition.Action
APPROVALS = (Action.PUBLISH, Action.SCHEDULE)
EDITS = (Action.SUBMIT, Action.REQUEST_CHANGES, Action.RESTORE)


@dataclass(frozen=True)
class Credits:
    writers: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    approver: str = ""

    @classmethod
    def from_json(cls, data: dict) -> "Credits":
        """Credits as ``as_json`` stored them on a revision."""
        return cls(
            writers=tuple(data.get("writers", ())),
            editors=tuple(data.get("editors", ())),
            approver=data.get("approver", ""),
        )

    def as_json(self) -> dict:
        return {
            "writers": list(self.writers),
            "editors": list(self.editors),
            "approver": self.approver,
        }

    def __bool__(self) -> bool:
        return bool(self.writers or self.editors or self.approver)

    def __str__(self) -> str:
        """ "Written by A. Edited by B and C. Approved by D.", leaving out what is unknown."""
        parts = [
            f"{label} {_listed(names)}."
            for label, names in (
                ("Written by", self.writers),
                ("Edited by", self.editors),
                ("Approved by", (self.approver,) if self.approver else ()),
            )
            if names
        ]
        return " ".join(parts)


def _listed(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def credits_of(briefing: Briefing, revision) -> Credits:
    """The credits of ``briefing``'s live ``revision``: as written when it was approved, or
    for one made live without an approval, read from the log now."""
    if revision.credits is not None:
        return Credits.from_json(revision.credits)
    return credits_for(briefing, revision.snapshot)


def record_credits(briefing: Briefing, revision) -> None:
    """Write the credits of ``revision``, just approved (made live), on it."""
    revision.credits = credits_for(briefing, revision.snapshot).as_json()
    revision.save(update_fields=["credits"])


def credits_for(briefing: Briefing, page: Snapshot) -> Credits:
    """The credits of ``briefing``'s live revision (whose snapshot is ``page``), in one query."""
    log = list(
        Transition.objects.filter(briefing=briefing, action__in=APPROVALS + EDITS)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    approval = next(
        (
            t
            for t in reversed(log)
            if t.action in APPROVALS and t.revision_id == briefing.live_revision_id
        ),
        None,
    )
    if approval is not None:
        log = log[: log.index(approval)]
    approver = approval.user if approval is not None else None
    writer_ids = {person.id for person in page.byline}
    writers = page.byline_names
    if not writers:
        submitter = next((t.user for t in log if t.action == Action.SUBMIT and t.user), None)
        writers = [submitter.public_name] if submitter else []
        writer_ids = {submitter.pk} if submitter else set()
    editors: dict[int, str] = {}
    for transition in log:
        user = transition.user
        if user is None or user.pk in writer_ids or (approver and user.pk == approver.pk):
            continue
        editors.setdefault(user.pk, user.public_name)
    return Credits(
        writers=tuple(writers),
        editors=tuple(editors.values()),
        approver=approver.public_name if approver else "",
    )
