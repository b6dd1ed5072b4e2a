"""Story threads: a briefing that follows up a published one.

``follows`` is content readers see, so it is in the snapshot and goes through review like the
rest; this module starts a follow-up in one step and finds what the desk and readers are shown
of a thread.
"""

from django.db import transaction

from .inbox import CannotStartBriefing, start_draft
from .models import HOUSE_SECTIONS, Briefing

WATCH_NEXT = HOUSE_SECTIONS[-1]  # "What to watch next"


@transaction.atomic
def start_follow_up(original: Briefing, user) -> Briefing:
    """A draft that follows ``original`` (which readers must be able to see): the same topic and
    attribution as its live revision, ``user`` on the byline, the house sections.

    The source item stays named: the thread began there, and an item may be named by several
    briefings (only the inbox's "Start a briefing" is once per item), its fields locked for all.
    """
    original = Briefing.objects.select_related("live_revision").get(pk=original.pk)
    if not original.is_live:
        raise CannotStartBriefing(
            "Only a briefing readers can see can be followed up: this one is not published."
        )
    live = original.live_revision.snapshot
    # Started like a briefing from an item: the writer writes the headline, and the address
    # follows it until the first publication.
    follow_up = start_draft(
        user,
        topic_id=live.topic_id,
        work_type=live.work_type,
        attribution_kind=live.attribution_kind,
        source_item_id=live.source_item_id,
        follows=original,
    )
    return follow_up


def watch_next(original: Briefing):
    """The live "What to watch next" text of ``original`` (sanitized HTML), or None."""
    if original.live_revision is None:
        return None
    sections = original.live_revision.snapshot.sections
    return next((s.body for s in sections if s.heading.strip() == WATCH_NEXT), None)


def published_follow_ups(briefing: Briefing):
    """The follow-ups of ``briefing`` readers can see, newest first, in one query."""
    return Briefing.objects.for_cards().filter(live_revision__follows=briefing)
