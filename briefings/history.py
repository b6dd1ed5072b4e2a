"""What readers saw of a briefing over time: the revisions that were live at some point, in
the order they went out, numbered as readers count them (version 1 is the first publication).

A revision is in the history when a publication made it live (``Transition.revision`` of a
publish, or of a scheduled publication's) or when it is live now. Revisions frozen on the desk
(restores, scheduled ones cancelled before their time) were never seen, and are left out.
"""

from dataclasses import dataclass
from datetime import datetime

from .models import Briefing, Revision, Transition

WENT_LIVE = (Transition.Action.PUBLISH, Transition.Action.PUBLISH_SCHEDULED)


@dataclass(frozen=True)
class Version:
    number: int
    revision: Revision
    published_at: datetime
    is_current: bool


def versions(briefing: Briefing, with_content: bool = False) -> list[Version]:
    """The versions readers saw of ``briefing`` (a live one), oldest first. Their snapshots
    are loaded only ``with_content``."""
    went_live: dict[int, datetime] = {}
    log = Transition.objects.filter(briefing=briefing, action__in=WENT_LIVE, revision__isnull=False)
    for revision_id, action, at in log.order_by("created_at", "pk").values_list(
        "revision_id", "action", "created_at"
    ):
        # A scheduled briefing was live from its publish time, before the job recorded it.
        when = briefing.published_at if action == Transition.Action.PUBLISH_SCHEDULED else at
        went_live.setdefault(revision_id, when)
    if briefing.is_live:
        went_live.setdefault(briefing.live_revision_id, briefing.published_at)
    revisions = Revision.objects.filter(briefing=briefing, pk__in=went_live).order_by("number")
    if not with_content:
        revisions = revisions.defer("data")
    return [
        Version(n, revision, went_live[revision.pk], revision.pk == briefing.live_revision_id)
        for n, revision in enumerate(revisions, start=1)
    ]
