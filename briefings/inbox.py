"""Starting a briefing from a discovered source item (the inbox's "Start a briefing").

Lives in briefings (not sources) because it creates briefings; sources knows nothing of them.
"""

from django.db import transaction
from django.utils.text import slugify

from newsroom.plaintext import truncate
from sources.models import SourceItem

from .models import HOUSE_SECTIONS, Briefing, Section, Topic

HEADLINE_LENGTH = Briefing._meta.get_field("headline").max_length
DEK_LENGTH = Briefing._meta.get_field("dek").max_length
SLUG_LENGTH = Briefing._meta.get_field("slug").max_length


class CannotStartBriefing(Exception):
    """The message says why, for the writer."""


def unique_slug(text: str) -> str:
    base = slugify(text)[: SLUG_LENGTH - 4].strip("-") or "briefing"
    taken = set(Briefing.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def start_briefing(item: SourceItem, user) -> Briefing:
    """A draft briefing that began from ``item``, attributed to it; the item becomes used."""
    item = SourceItem.objects.select_for_update().select_related("outlet").get(pk=item.pk)
    existing = item.briefings.first()
    if existing is not None:
        raise CannotStartBriefing(f"A briefing already began from this item: “{existing}”.")
    topic = Topic.objects.first()
    if topic is None:
        raise CannotStartBriefing("Add a topic first: every briefing belongs to one.")
    headline = truncate(item.title, HEADLINE_LENGTH)
    dek = truncate(item.summary or f"{item.outlet.name} reports: {item.title}", DEK_LENGTH)
    briefing = Briefing.objects.create(
        headline=headline,
        slug=unique_slug(headline),
        dek=dek,
        topic=topic,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
        source_item=item,
        created_by=user,
    )
    briefing.authors.add(user)
    Section.objects.bulk_create(
        Section(briefing=briefing, position=n, heading=heading, body="")
        for n, heading in enumerate(HOUSE_SECTIONS, start=1)
    )
    item.status = SourceItem.Status.USED
    item.save(update_fields=["status"])
    return briefing
