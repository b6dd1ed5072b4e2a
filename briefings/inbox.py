"""Starting a briefing from a discovered source item (the inbox's "Start a briefing").

Lives in briefings (not sources) because it creates briefings; sources knows nothing of them.
"""

import uuid

from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from sources.models import SourceItem

from .models import HOUSE_SECTIONS, Briefing, Section, Topic

SLUG_LENGTH = Briefing._meta.get_field("slug").max_length


class CannotStartBriefing(Exception):
    """The message says why, for the writer."""


DRAFT_SLUG_PREFIX = "draft-"


def unique_slug(text: str, exclude_pk: int | None = None) -> str:
    base = slugify(text)[: SLUG_LENGTH - 4].strip("-") or "briefing"
    others = Briefing.objects.filter(slug__startswith=base).exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def placeholder_slug() -> str:
    """An address for a draft without a headline yet; replaced as soon as it has one."""
    return f"{DRAFT_SLUG_PREFIX}{uuid.uuid4().hex[:12]}"


def follow_headline(briefing: Briefing) -> bool:
    """Until its first publication a briefing's address follows its headline; set the slug
    from the headline and say whether it changed. A published briefing's address is fixed."""
    if briefing.live_revision_id is not None or not briefing.headline.strip():
        return False
    slug = briefing.slug
    briefing.slug = unique_slug(briefing.headline, exclude_pk=briefing.pk)
    return briefing.slug != slug


def suggested_topic(item: SourceItem) -> Topic | None:
    """The topic the outlet's items usually went to, else the first topic."""
    usual = (
        Topic.objects.filter(briefings__source_item__outlet=item.outlet_id)
        .annotate(uses=Count("briefings"))
        .order_by("-uses", "position", "name")
        .first()
    )
    return usual or Topic.objects.first()


def start_draft(user, **fields) -> Briefing:
    """A new draft by ``user`` (on its byline) with ``fields``, an empty headline and dek for
    the writer to write, a placeholder address until then, and the house sections."""
    briefing = Briefing.objects.create(
        headline="", dek="", slug=placeholder_slug(), created_by=user, **fields
    )
    briefing.authors.add(user)
    Section.objects.bulk_create(
        Section(briefing=briefing, position=n, heading=heading, body="")
        for n, heading in enumerate(HOUSE_SECTIONS, start=1)
    )
    return briefing


@transaction.atomic
def start_briefing(item: SourceItem, user) -> Briefing:
    """A draft briefing that began from ``item``, attributed to it; the item becomes used.

    The headline and dek start empty, for the writer to write in our own words (the change
    form shows the item's to rewrite from); the topic is the one the outlet's items usually
    went to."""
    item = SourceItem.objects.select_for_update().select_related("outlet").get(pk=item.pk)
    existing = item.briefings.first()
    if existing is not None:
        raise CannotStartBriefing(f"A briefing already began from this item: “{existing}”.")
    topic = suggested_topic(item)
    if topic is None:
        raise CannotStartBriefing("Add a topic first: every briefing belongs to one.")
    briefing = start_draft(
        user,
        topic=topic,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
        source_item=item,
    )
    item.status = SourceItem.Status.USED
    item.save(update_fields=["status"])
    return briefing
