"""A briefing's working copy read in one go: the row with its source item and outlet, then
each ordered part and the byline once (``with_parts``), and its snapshot built from those rows
(``snapshot``), equal to ``Snapshot.of`` (tests hold it) without reading them again.

The admin's change form reads a briefing this way, so that its formsets, its byline field and
its checklist share one read of each table; ``load_briefings`` builds revisions from rows it
has just written the same way.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from .snapshot import PARTS, Snapshot


def _accessor(model) -> str:
    return model._meta.get_field("briefing").remote_field.get_accessor_name()


def with_parts(queryset):
    """``queryset`` of briefings with their source item, outlet, ordered parts and byline."""
    parts = [
        Prefetch(_accessor(model), model.objects.order_by("position", "pk"))
        for model, _ in PARTS.values()
    ]
    byline = Prefetch("authors", get_user_model().objects.order_by("pk"))
    return queryset.select_related("source_item__outlet").prefetch_related(*parts, byline)


def has_parts(briefing) -> bool:
    """True when ``briefing`` came from ``with_parts`` (its parts are at hand)."""
    cache = getattr(briefing, "_prefetched_objects_cache", {})
    return all(_accessor(model) in cache for model, _ in PARTS.values()) and "authors" in cache


def snapshot(briefing, item=None, byline=None, parts=None) -> Snapshot:
    """The snapshot of ``briefing`` from rows at hand: by default those ``with_parts`` read;
    or ``item`` (its source item, with ``outlet``), ``byline`` (users, by id) and ``parts``
    (rows by the snapshot's part name, by position) as given."""
    if parts is None:
        item = briefing.source_item
        byline = list(briefing.authors.all())
        parts = {
            name: getattr(briefing, _accessor(model)).all() for name, (model, _) in PARTS.items()
        }
    return Snapshot.from_rows(briefing, item, byline, parts)
