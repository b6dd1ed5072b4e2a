"""Story threads: a briefing that follows up a published one.

``follows`` is content readers see, so it is in the snapshot and goes through review like the
rest; this module finds what readers are shown of a thread.
"""

from .models import Briefing


def published_follow_ups(briefing: Briefing):
    """The follow-ups of ``briefing`` readers can see, newest first, in one query."""
    return Briefing.objects.for_listing().filter(live_revision__follows=briefing)
