"""Which public pages are written at once when readers' content changes (newsroom/pages.py):
the home page, the public record, and the pages of the briefing changed last (its own page,
topic, authors and outlet). Every other page is written when a reader first asks."""

from django.urls import reverse

from newsroom.cache import clear_public_pages_on_commit

from .models import Briefing

# The briefings whose pages are rendered at each change: the one just published, corrected
# or withdrawn is the last modified. Each page costs a render in the editor's request.
RECENT = 1


def changed_pages() -> list[str]:
    paths = [reverse("briefings:home"), reverse("briefings:corrections")]
    recent = (
        Briefing.objects.filter(live_revision__isnull=False)
        .select_related("live_revision__topic", "live_revision__source_outlet")
        .prefetch_related("live_revision__byline")
        .defer(
            "live_revision__data",
            "live_revision__search_document",
            "live_revision__search_vector",
        )
        .order_by("-modified_at")[:RECENT]
    )
    for briefing in recent:
        live = briefing.live_revision
        paths.append(briefing.get_absolute_url())
        paths.append(reverse("briefings:topic", args=[live.topic.slug]))
        if live.source_outlet and live.source_outlet.slug:
            paths.append(reverse("briefings:outlet", args=[live.source_outlet.slug]))
        paths.extend(reverse("briefings:author", args=[user.slug]) for user in live.byline.all())
    return paths


# Saves of a user that change nothing readers see: a log-in, a new password.
PRIVATE_USER_FIELDS = {"last_login", "password"}


def user_saved(sender, update_fields=None, **kwargs) -> None:
    """Signal receiver: a user's name, bio or address may be on author pages and bylines."""
    if update_fields and set(update_fields) <= PRIVATE_USER_FIELDS:
        return
    clear_public_pages_on_commit()
