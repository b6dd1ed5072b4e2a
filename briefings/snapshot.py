"""What readers see of a briefing, as one typed tree: the snapshot.

A revision stores a snapshot; the public page, previews, feeds, JSON-LD, the checklist and the
comparison of versions all read one. It is built from the working copy in the database
(``Snapshot.of``), from the admin's bound form and formsets (``Snapshot.from_form``, for the
live checklist), or from stored data (``Snapshot.load``, which upgrades older schemas). No
other module reads a revision's stored data by key.

Corrections, clarifications, updates and withdrawals are not part of a snapshot: they are the
briefing's public record (``PublicNote``), shown beside whichever revision is live.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.text import get_text_list

from newsroom.fields import SanitizedHTML
from newsroom.sanitize import sanitize_html
from sources.models import SourceItem

# The model modules, not the package: the revision model reads snapshots.
from .images import SOURCE_TYPE_VOCABULARY
from .models.briefing import Briefing
from .models.children import Citation, EditorsNote, QABlock, Section, Takeaway
from .renditions import SIZES, srcsets

SCHEMA_VERSION = 2
# Schema 1 (no "schema" key): {"briefing": {field attnames}, "byline", "source": {"url",
# "title", "outlet": {"id", "name", "slug"}}, and the children as lists of row dicts, notes
# with correction/clarification/update kinds among them}.
V1_DATED_KINDS = ("correction", "clarification", "update")


def _rich(value) -> SanitizedHTML:
    """Text for a rich-text part, sanitized unless it already was (read from the tables)."""
    if isinstance(value, SanitizedHTML):
        return value
    return SanitizedHTML(sanitize_html(value or ""))


def _stored_rich(value) -> SanitizedHTML:
    """Text for a rich-text part of a stored snapshot: a revision is only ever written from a
    snapshot whose parts were sanitized (``Revision.freeze``), so it is not cleaned again on
    every page view (bleach costs more than the rest of the page)."""
    return SanitizedHTML(value or "")


@dataclass(frozen=True)
class Person:
    id: int | None
    name: str


@dataclass(frozen=True)
class Source:
    """The discovered item a briefing began from, as its attribution names it."""

    url: str
    title: str
    outlet_id: int | None
    outlet_name: str
    outlet_slug: str
    summary: str = ""  # the item's own summary, so the checklist can tell a copied dek


@dataclass(frozen=True)
class Image:
    name: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    source_type: str = ""
    width: int = 0
    height: int = 0

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    @property
    def source_type_label(self) -> str:
        return Briefing.ImageSourceType(self.source_type).label if self.source_type else ""

    @property
    def source_type_uri(self) -> str:
        """The IPTC digital source type, as the vocabulary's URI."""
        return SOURCE_TYPE_VOCABULARY + self.source_type if self.source_type else ""

    @cached_property
    def sources(self) -> list[tuple[str, str]]:
        """(MIME type, srcset) of its renditions, made when it was published."""
        return srcsets(self.name, self.width)

    sizes = SIZES

    @property
    def is_ai(self) -> bool:
        return self.source_type in Briefing.AI_IMAGE_TYPES


@dataclass(frozen=True)
class Point:
    """A key takeaway."""

    text: str


@dataclass(frozen=True)
class Part:
    """A section: a heading and its rich text."""

    heading: str
    body: SanitizedHTML


@dataclass(frozen=True)
class Question:
    question: str
    answer: SanitizedHTML


@dataclass(frozen=True)
class Note:
    """An editor's note or an AI-assistance disclosure."""

    kind: str
    body: SanitizedHTML

    @property
    def label(self) -> str:
        return EditorsNote.Kind(self.kind).label

    @property
    def is_disclosure(self) -> bool:
        return self.kind == EditorsNote.Kind.AI_DISCLOSURE


@dataclass(frozen=True)
class Disclosure:
    """How AI assistance was used: the tool, what it did and who checked it."""

    tool: str = ""
    uses: tuple[str, ...] = ()
    other: str = ""
    checker: Person | None = None

    @property
    def doing(self) -> list[str]:
        """What the tool did, as phrases that complete "We used <tool> to …"."""
        known = Briefing.AIUse
        phrases = [known(use).label for use in self.uses if use in known.values and use != "other"]
        if known.OTHER in self.uses and self.other.strip():
            phrases.append(self.other.strip().rstrip("."))
        return phrases

    @property
    def sentence(self) -> str:
        """The disclosure as the page prints it: one plain sentence (two with a checker)."""
        doing = get_text_list(self.doing, "and") or "help"
        text = f"We used {self.tool.strip() or 'an AI tool'} to {doing}."
        if self.checker:
            text += f" {self.checker.name} checked its work against the sources."
        return text


@dataclass(frozen=True)
class Reference:
    """A further outside source the briefing cites."""

    title: str
    url: str
    publisher: str = ""


# Each ordered part: the snapshot's list, its model, and the typed item built from a row.
PARTS = {
    "takeaways": (Takeaway, Point),
    "sections": (Section, Part),
    "questions": (QABlock, Question),
    "notes": (EditorsNote, Note),
    "citations": (Citation, Reference),
}
RICH = {"body", "answer"}


def _item(kind, values: dict, rich=_rich):
    names = {f.name for f in fields(kind)}
    return kind(**{n: rich(values.get(n)) if n in RICH else values.get(n) or "" for n in names})


@dataclass(frozen=True)
class Snapshot:
    headline: str = ""
    slug: str = ""
    dek: str = ""
    topic_id: int | None = None
    work_type: str = Briefing.WorkType.EXPLAINER
    attribution_kind: str = Briefing.AttributionKind.ORIGINAL
    ai_assisted: bool = False
    ai: Disclosure | None = None
    image: Image | None = None
    byline: tuple[Person, ...] = ()
    source: Source | None = None
    source_item_id: int | None = None
    # The briefing this one follows up (a story thread); stored snapshots without it follow
    # nothing, so the schema did not change.
    follows_id: int | None = None
    takeaways: tuple[Point, ...] = ()
    sections: tuple[Part, ...] = ()
    questions: tuple[Question, ...] = ()
    notes: tuple[Note, ...] = ()
    citations: tuple[Reference, ...] = ()
    schema: int = field(default=SCHEMA_VERSION)

    # For templates, as a model instance would offer them.

    def get_work_type_display(self) -> str:
        return Briefing.WorkType(self.work_type).label

    def get_attribution_kind_display(self) -> str:
        return Briefing.AttributionKind(self.attribution_kind).label

    @property
    def method_note(self) -> str:
        return Briefing.METHOD_NOTES[self.attribution_kind]

    @property
    def byline_names(self) -> list[str]:
        return [person.name for person in self.byline]

    # Building one.

    @classmethod
    def of(cls, briefing: Briefing) -> Snapshot:
        """The working copy of ``briefing`` as it is in the database now."""
        parts = {
            name: model.objects.filter(briefing=briefing).order_by("position", "pk")
            for name, (model, _) in PARTS.items()
        }
        return cls.from_rows(briefing, briefing.source_item, briefing.authors.order_by("pk"), parts)

    @classmethod
    def from_rows(cls, briefing: Briefing, item, byline, parts) -> Snapshot:
        """The working copy of ``briefing`` from its rows at hand: ``item`` its source item
        (with ``outlet``) or None, ``byline`` its users in order, ``parts`` each part's rows
        (by the snapshot's part name) in order."""
        return cls(
            **_fields_of(briefing),
            byline=tuple(Person(user.pk, user.public_name) for user in byline),
            source=item and _source_of(item),
            **{
                name: tuple(_item(kind, vars(row)) for row in parts[name])
                for name, (_, kind) in PARTS.items()
            },
        )

    @classmethod
    def from_form(cls, briefing: Briefing, form, formsets) -> Snapshot:
        """What saving the admin's bound ``form`` and ``formsets`` would store: the values as
        typed (valid or not), rows marked for deletion left out, for the live checklist."""

        def value(name, default=""):
            return form[name].value() if name in form.fields else default

        base = cls.of(briefing) if briefing.pk else cls()
        item_id = value("source_item", base.source_item_id)
        item = base.source
        if str(item_id or "") != str(base.source_item_id or ""):
            found = SourceItem.objects.select_related("outlet")
            item = _source_of(found.filter(pk=item_id).first()) if str(item_id).isdigit() else None
        image = base.image
        if "lead_image" in form.fields:
            cleared = form.data.get(f"{form.add_prefix('lead_image')}-clear")
            chosen = form.files.get("lead_image") or form.data.get("lead_image_chosen")
            name = "chosen" if chosen else ("" if cleared else (image.name if image else ""))
            image = name and Image(
                name,
                value("lead_image_alt"),
                value("lead_image_caption"),
                value("lead_image_credit"),
                value("lead_image_source_type"),
                *((image.width, image.height) if image and name == image.name else (0, 0)),
            )
        byline = base.byline
        if "authors" in form.fields:
            ids = [int(pk) for pk in value("authors") or [] if str(pk).isdigit()]
            users = get_user_model().objects.filter(pk__in=ids).order_by("pk")
            byline = tuple(Person(u.pk, u.public_name) for u in users)
        parts = {}
        for formset in formsets:
            name = next((n for n, (m, _) in PARTS.items() if m is formset.model), None)
            if name is None:
                continue
            kind = PARTS[name][1]
            rows = [
                f
                for f in formset.forms
                if not (formset.can_delete and f["DELETE"].value())
                and (f.instance.pk or f.has_changed())
            ]
            parts[name] = tuple(
                _item(kind, {n: f[n].value() for n in RICH | set(_names(kind)) if n in f.fields})
                for f in rows
            )
        return cls(
            headline=value("headline", base.headline) or "",
            slug=value("slug", base.slug) or "",
            dek=value("dek", base.dek) or "",
            topic_id=_int(value("topic", base.topic_id)),
            work_type=value("work_type", base.work_type),
            attribution_kind=value("attribution_kind", base.attribution_kind),
            ai_assisted=bool(value("ai_assisted", base.ai_assisted)),
            ai=_disclosure_from_form(form, base) if "ai_assisted" in form.fields else base.ai,
            image=image or None,
            byline=byline,
            source=item,
            source_item_id=_int(item_id),
            follows_id=_int(value("follows", base.follows_id)),
            **{name: parts.get(name, getattr(base, name)) for name in PARTS},
        )

    @classmethod
    def load(cls, data: dict) -> Snapshot:
        """A stored snapshot, upgraded to the current schema."""
        if data.get("schema", 1) == 1:
            data = _upgrade_v1(data)
        image = data.get("image")
        source = data.get("source")
        return cls(
            **{
                name: data.get(name, getattr(cls, name))
                for name in (
                    "headline",
                    "slug",
                    "dek",
                    "topic_id",
                    "work_type",
                    "attribution_kind",
                    "ai_assisted",
                    "source_item_id",
                    "follows_id",
                )
            },
            ai=_load_disclosure(data.get("ai")),
            image=Image(**image) if image else None,
            byline=tuple(Person(**person) for person in data.get("byline", [])),
            source=Source(**source) if source else None,
            **{
                name: tuple(_item(kind, row, _stored_rich) for row in data.get(name, []))
                for name, (_, kind) in PARTS.items()
            },
        )

    def dump(self) -> dict[str, Any]:
        """The snapshot as JSON-ready data, for a revision to store."""
        return json.loads(json.dumps(asdict(self), cls=DjangoJSONEncoder))

    def write_to(self, briefing: Briefing) -> None:
        """Make this snapshot the working copy of ``briefing`` (restoring a revision)."""
        for name in ("headline", "slug", "dek", "work_type", "attribution_kind", "ai_assisted"):
            setattr(briefing, name, getattr(self, name))
        briefing.topic_id = self.topic_id
        briefing.source_item_id = self.source_item_id
        ai = self.ai or Disclosure()
        briefing.ai_tool, briefing.ai_uses, briefing.ai_use_other = ai.tool, list(ai.uses), ai.other
        checker = ai.checker and get_user_model().objects.filter(pk=ai.checker.id).first()
        briefing.ai_checked_by = checker or None
        briefing.follows_id = self.follows_id
        image = self.image or Image("")
        briefing.lead_image = image.name
        briefing.lead_image_alt = image.alt
        briefing.lead_image_caption = image.caption
        briefing.lead_image_credit = image.credit
        briefing.lead_image_source_type = image.source_type
        briefing.lead_image_width = image.width or None
        briefing.lead_image_height = image.height or None
        briefing.save()
        ids = [person.id for person in self.byline if person.id]
        briefing.authors.set(get_user_model().objects.filter(pk__in=ids))
        for name, (model, _) in PARTS.items():
            model.objects.filter(briefing=briefing).delete()
            model.objects.bulk_create(
                model(briefing=briefing, position=n, **_row(item))
                for n, item in enumerate(getattr(self, name), start=1)
            )

    # What listings copy out of a revision.

    def listing_columns(self) -> dict[str, Any]:
        source = self.source
        return {
            "headline": self.headline,
            "dek": self.dek,
            "topic_id": self.topic_id,
            "work_type": self.work_type,
            "source_outlet_id": source.outlet_id if source else None,
            "source_url": source.url if source else "",
            "source_title": source.title if source else "",
            "lead_image": self.image.name if self.image else "",
            "follows_id": self.follows_id,
        }


def _disclosure_from_form(form, base: Snapshot) -> Disclosure | None:
    def value(name):
        return form[name].value() if name in form.fields else None

    ai = base.ai or Disclosure()
    checker = value("ai_checked_by")
    return _disclosure(
        value("ai_assisted"),
        value("ai_tool") if "ai_tool" in form.fields else ai.tool,
        value("ai_uses") if "ai_uses" in form.fields else list(ai.uses),
        value("ai_use_other") if "ai_use_other" in form.fields else ai.other,
        checker if "ai_checked_by" in form.fields else (ai.checker and ai.checker.id),
    )


def _names(kind) -> list[str]:
    return [f.name for f in fields(kind)]


def _row(item) -> dict:
    return {name: getattr(item, name) for name in _names(type(item))}


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _fields_of(briefing: Briefing) -> dict:
    image = briefing.lead_image.name if briefing.lead_image else ""
    return {
        "headline": briefing.headline,
        "slug": briefing.slug,
        "dek": briefing.dek,
        "topic_id": briefing.topic_id,
        "work_type": briefing.work_type,
        "attribution_kind": briefing.attribution_kind,
        "ai_assisted": briefing.ai_assisted,
        "ai": _disclosure(
            briefing.ai_assisted,
            briefing.ai_tool,
            briefing.ai_uses,
            briefing.ai_use_other,
            briefing.ai_checked_by_id,
        ),
        "source_item_id": briefing.source_item_id,
        "follows_id": briefing.follows_id,
        "image": Image(
            image,
            briefing.lead_image_alt,
            briefing.lead_image_caption,
            briefing.lead_image_credit,
            briefing.lead_image_source_type,
            briefing.lead_image_width or 0,
            briefing.lead_image_height or 0,
        )
        if image
        else None,
    }


def _disclosure(used, tool, uses, other, checker_id) -> Disclosure | None:
    """The disclosure when AI assistance is marked (None otherwise)."""
    if not used:
        return None
    checker = None
    if str(checker_id or "").isdigit():
        user = get_user_model().objects.filter(pk=checker_id).first()
        checker = user and Person(user.pk, user.public_name)
    uses = uses if isinstance(uses, list | tuple) else []
    return Disclosure(tool or "", tuple(str(use) for use in uses), other or "", checker)


def _source_of(item) -> Source | None:
    if item is None:
        return None
    outlet = item.outlet
    return Source(item.url, item.title, outlet.pk, outlet.name, outlet.slug, item.summary)


def _load_disclosure(data: dict | None) -> Disclosure | None:
    if not data:
        return None
    checker = data.get("checker")
    return Disclosure(
        data.get("tool", ""),
        tuple(data.get("uses", ())),
        data.get("other", ""),
        Person(**checker) if checker else None,
    )


def _upgrade_v1(data: dict) -> dict:
    """Schema 1 to 2: flat fields, a typed image and source, Q&A as questions, and dated notes
    left out (they live in the public record since schema 2)."""
    fields_v1 = data.get("briefing", {})
    source = data.get("source")
    image = fields_v1.get("lead_image") or ""
    return {
        **{key: fields_v1.get(key) for key in ("headline", "slug", "dek", "work_type")},
        "topic_id": fields_v1.get("topic_id"),
        "attribution_kind": fields_v1.get("attribution_kind") or "original",
        "ai_assisted": bool(fields_v1.get("ai_assisted")),
        "source_item_id": fields_v1.get("source_item_id"),
        "image": image
        and {
            "name": image,
            "alt": fields_v1.get("lead_image_alt") or "",
            "caption": fields_v1.get("lead_image_caption") or "",
            "credit": fields_v1.get("lead_image_credit") or "",
            "source_type": fields_v1.get("lead_image_source_type") or "",
        },
        "byline": [{"id": a.get("id"), "name": a.get("name", "")} for a in data.get("byline", [])],
        "source": source
        and {
            "url": source.get("url", ""),
            "title": source.get("title", ""),
            "outlet_id": (source.get("outlet") or {}).get("id"),
            "outlet_name": (source.get("outlet") or {}).get("name", ""),
            "outlet_slug": (source.get("outlet") or {}).get("slug", ""),
        },
        "takeaways": data.get("takeaways", []),
        "sections": data.get("sections", []),
        "questions": data.get("qa_blocks", []),
        "notes": [n for n in data.get("notes", []) if n.get("kind") not in V1_DATED_KINDS],
        "citations": data.get("citations", []),
    }


def v1_public_notes(data: dict) -> list[dict]:
    """The dated notes a schema-1 snapshot carried (kind, body, created_at as stored), for the
    migration that moves them into the public record."""
    if data.get("schema", 1) != 1:
        return []
    return [
        {"kind": n["kind"], "body": n.get("body") or "", "created_at": n.get("created_at")}
        for n in data.get("notes", [])
        if n.get("kind") in V1_DATED_KINDS and n.get("created_at")
    ]
