"""Authors as readers know them: the people on the byline of a live revision.

A byline is the live revision's (``Revision.byline``, copied from its snapshot when it was
frozen), not the working copy's ``Briefing.authors``: an author added to a draft, or removed
from it, changes nothing readers see until the change is published.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from .models import Briefing


def published_by(user):
    """The published briefings whose live revision has ``user`` on its byline."""
    return Briefing.objects.for_listing().filter(live_revision__byline=user)


def with_published_briefings():
    """Users on the byline of at least one published briefing: the ones with an author page."""
    live = Briefing.objects.published().values("live_revision")
    return get_user_model().objects.filter(bylined_revisions__in=live).distinct()


def author_url(user) -> str:
    return reverse("briefings:author", args=[user.slug])


def author_urls(people) -> dict[int, str]:
    """Author page addresses of a snapshot's byline (``Person`` items), by user id, in one
    query; people whose account is gone have none."""
    ids = {person.id for person in people if person.id}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).only("pk", "slug")
    return {user.pk: author_url(user) for user in users}


def byline_links(people) -> list[tuple[str, str]]:
    """Each name on a snapshot's byline with its author page address ("" without one)."""
    urls = author_urls(people)
    return [(person.name, urls.get(person.id, "")) for person in people]
