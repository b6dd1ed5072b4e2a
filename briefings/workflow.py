"""Moving briefings through the newsroom: the one place that changes a briefing's status."""

from django.db import transaction
from django.utils import timezone

from newsroom.cache import clear_public_pages

from .models import Briefing, Revision


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
    briefing.status = (
        Briefing.Status.SCHEDULED if briefing.published_at > now else Briefing.Status.PUBLISHED
    )
    briefing.save()
    transaction.on_commit(clear_public_pages)
    return revision
