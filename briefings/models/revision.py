"""Revisions: frozen snapshots of a briefing and all its parts.

Readers are shown the briefing's live revision, never the working copy in the tables,
so an edit reaches them only when an editor publishes it again.
"""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.dateparse import parse_datetime

from newsroom.fields import RichTextField, SanitizedHTML
from newsroom.sanitize import sanitize_html

from .briefing import Briefing
from .children import Citation, EditorsNote, QABlock, Section, Takeaway

# The briefing's own fields that belong to its content (not its workflow state).
CONTENT_FIELDS = (
    "headline",
    "slug",
    "dek",
    "topic",
    "work_type",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "lead_image_source_type",
    "attribution_kind",
    "source_item",
    "ai_assisted",
)
# Snapshot key -> child model, in page order.
CHILDREN = {
    "takeaways": Takeaway,
    "sections": Section,
    "qa_blocks": QABlock,
    "notes": EditorsNote,
    "citations": Citation,
}


def _dump(obj: models.Model, names) -> dict:
    data = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = field.value_from_object(obj)
        if isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(field, RichTextField) and not isinstance(value, SanitizedHTML):
            value = sanitize_html(value)
        data[field.attname] = value
    return data


def _load(model, data: dict) -> models.Model:
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname not in data:
            continue
        value = field.to_python(data[field.attname])
        if isinstance(field, RichTextField):
            value = SanitizedHTML(value or "")
        values[field.attname] = value
    return model(**values)


def _child_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in {"id", "briefing"}]


def snapshot(briefing: Briefing) -> dict:
    """Everything a reader sees of ``briefing``, read fresh from the database."""
    data = {"briefing": _dump(briefing, CONTENT_FIELDS)}
    data["byline"] = [
        {"id": user.pk, "name": user.public_name} for user in briefing.authors.order_by("pk")
    ]
    item = briefing.source_item
    data["source"] = item and {
        "url": item.url,
        "title": item.title,
        "outlet": {"id": item.outlet_id, "name": item.outlet.name, "slug": item.outlet.slug},
    }
    for key, model in CHILDREN.items():
        rows = model.objects.filter(briefing=briefing).order_by("position")
        data[key] = [_dump(row, _child_names(model)) for row in rows]
    return data


def normalized(data: dict) -> dict:
    """``data`` as it reads back from the JSON column (dates as strings, and so on)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def latest_dated_note(data: dict):
    dates = [
        parse_datetime(note["created_at"])
        for note in data.get("notes", [])
        if note.get("kind") in EditorsNote.DATED_KINDS and note.get("created_at")
    ]
    return max((d for d in dates if d), default=None)


def listing_columns(data: dict) -> dict:
    """The columns copied out of a snapshot, so that listings need not load whole snapshots."""
    fields = data["briefing"]
    source = data.get("source") or {}
    return {
        "headline": fields["headline"],
        "dek": fields["dek"],
        "topic_id": fields["topic_id"],
        "work_type": fields.get("work_type", ""),
        "source_outlet_id": (source.get("outlet") or {}).get("id"),
        "source_url": source.get("url", ""),
        "source_title": source.get("title", ""),
        "corrected_at": latest_dated_note(data),
    }


class Revision(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied out of ``data`` by listing_columns().
    headline = models.CharField(max_length=110)
    dek = models.CharField(max_length=300)
    topic = models.ForeignKey("briefings.Topic", on_delete=models.PROTECT, related_name="+")
    work_type = models.CharField(max_length=12, choices=Briefing.WorkType.choices, blank=True)
    # The attribution readers see: the outlet and original item the briefing began from.
    source_outlet = models.ForeignKey(
        "sources.Outlet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_url = models.URLField(max_length=1000, blank=True)
    source_title = models.CharField(max_length=500, blank=True)
    # The date of the latest correction, clarification or update in ``data``, if any:
    # the page's "updated" date and what the public corrections log looks for.
    corrected_at = models.DateTimeField(null=True, blank=True, db_index=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of “{self.headline}”"

    @classmethod
    def freeze(cls, briefing: Briefing, user=None) -> "Revision":
        """Snapshot the working copy of ``briefing`` as its next revision."""
        return cls.from_data(briefing, snapshot(briefing), user)

    @classmethod
    def from_data(cls, briefing: Briefing, data: dict, user=None) -> "Revision":
        """Store ``data`` (a snapshot) as the next revision of ``briefing``."""
        last = briefing.revisions.order_by("-number").values_list("number", flat=True).first()
        data = normalized(data)
        return cls.objects.create(
            briefing=briefing,
            number=(last or 0) + 1,
            created_by=user,
            data=data,
            **listing_columns(data),
        )

    @classmethod
    def unsaved(cls, briefing: Briefing) -> "Revision":
        """The working copy as an unsaved revision, for previews and comparisons."""
        data = normalized(snapshot(briefing))
        return cls(briefing=briefing, number=0, data=data, **listing_columns(data))

    def as_briefing(self) -> Briefing:
        """An unsaved Briefing built from the snapshot, with its parts as plain lists."""
        data = self.data
        page = _load(Briefing, data["briefing"])
        page.pk = self.briefing_id
        page.revision = self
        page.byline = [author["name"] for author in data.get("byline", [])]
        page.source = data.get("source")
        for key, model in CHILDREN.items():
            setattr(page, f"{key}_list", [_load(model, row) for row in data.get(key, [])])
        dated = [n.created_at for n in page.notes_list if n.kind in EditorsNote.DATED_KINDS]
        page.updated_at = max(dated, default=None)
        return page

    @transaction.atomic
    def restore(self) -> Briefing:
        """Write this snapshot back into the briefing's working copy."""
        briefing = Briefing.objects.select_for_update().get(pk=self.briefing_id)
        page = self.as_briefing()
        for name in CONTENT_FIELDS:
            attname = Briefing._meta.get_field(name).attname
            setattr(briefing, attname, getattr(page, attname))
        briefing.save()
        author_ids = [author["id"] for author in self.data.get("byline", [])]
        briefing.authors.set(get_user_model().objects.filter(pk__in=author_ids))
        for key, model in CHILDREN.items():
            model.objects.filter(briefing=briefing).delete()
            rows = getattr(page, f"{key}_list")
            for row in rows:
                row.briefing = briefing
            model.objects.bulk_create(rows)
        return briefing
