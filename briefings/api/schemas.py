"""The API's JSON shapes, and how each is made from what readers see: a briefing's detail from
its live revision's typed snapshot (``Revision.snapshot``), a listing item from the columns
``Revision.freeze`` copied out of that snapshot, never from the working-copy tables."""

from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ..renditions import KINDS, SIZES, name_of, widths_for


def absolute(url: str) -> str:
    """``url`` on the site's one origin (``SITE_URL``); addresses elsewhere (a CDN) as they
    are. Not the request's host: answers are cached whatever host asked."""
    return url if "//" in url else settings.SITE_URL + url


# A stand-in slug: an address is worked out once per kind of page, then filled in per item
# (reverse() costs more than the rest of a listing item).
_SLUG = "x-slug-x"


@cache
def _address_of(name: str) -> str:
    return reverse(name, args=[_SLUG])


def page_url(name: str, slug: str) -> str:
    """The absolute address of the public page ``name`` (a slug route) for ``slug``."""
    return absolute(_address_of(name).replace(_SLUG, slug))


class Problem(Schema):
    """An RFC 9457 problem detail."""

    type: str = Field(examples=["about:blank"])
    title: str
    status: int
    detail: str


class Notice(Schema):
    kind: str
    label: str
    body_html: str
    created_at: datetime


class Gone(Problem):
    """A withdrawn briefing: its headline and the notice that says why."""

    headline: str
    notice: Notice | None


class Invalid(Problem):
    """A parameter the API could not read, and why."""

    errors: list[dict]


class TopicRef(Schema):
    slug: str
    name: str
    url: str


class Topic(TopicRef):
    description: str


class Topics(Schema):
    items: list[Topic]


class OutletRef(Schema):
    slug: str
    name: str
    url: str


class Outlet(OutletRef):
    homepage: str
    description: str


class Outlets(Schema):
    items: list[Outlet]
    next_cursor: str | None


class AuthorRef(Schema):
    slug: str
    name: str
    url: str


class Author(AuthorRef):
    bio: str


class Authors(Schema):
    items: list[Author]
    next_cursor: str | None


class BriefingSummary(Schema):
    slug: str
    url: str
    api_url: str
    headline: str
    dek: str
    work_type: str
    topic: TopicRef
    outlet: OutletRef | None
    authors: list[AuthorRef]
    published_at: datetime
    updated_at: datetime


class Briefings(Schema):
    items: list[BriefingSummary]
    next_cursor: str | None


class Person(Schema):
    name: str
    slug: str | None
    url: str | None


class Source(Schema):
    url: str
    title: str
    outlet: OutletRef | None


class Citation(Schema):
    title: str
    url: str
    publisher: str


class Attribution(Schema):
    kind: str
    label: str
    method_note: str
    source: Source | None
    citations: list[Citation]


class Disclosure(Schema):
    tool: str
    uses: list[str]
    sentence: str
    checked_by: str | None


class Rendition(Schema):
    type: str
    width: int
    url: str


class Image(Schema):
    url: str
    alt: str
    caption: str
    credit: str
    source_type: str
    source_type_uri: str
    width: int
    height: int
    sizes: str
    renditions: list[Rendition]


class Section(Schema):
    heading: str
    body_html: str


class Question(Schema):
    question: str
    answer_html: str


class EditorsNote(Schema):
    kind: str
    label: str
    body_html: str


class StandardsRef(Schema):
    id: int
    url: str
    effective_at: datetime


class FollowsRef(Schema):
    slug: str
    headline: str
    url: str


class BriefingDetail(Schema):
    slug: str
    url: str
    headline: str
    dek: str
    work_type: str
    work_type_label: str
    topic: TopicRef
    authors: list[Person]
    published_at: datetime
    updated_at: datetime
    attribution: Attribution
    ai_assistance: Disclosure | None
    image: Image | None
    takeaways: list[str]
    sections: list[Section]
    questions: list[Question]
    notes: list[EditorsNote]
    public_record: list[Notice]
    standards: StandardsRef | None
    follows: FollowsRef | None


class CorrectionBriefing(Schema):
    slug: str
    url: str
    headline: str
    withdrawn: bool


class Correction(Notice):
    id: int
    briefing: CorrectionBriefing


class Corrections(Schema):
    items: list[Correction]
    next_cursor: str | None


class StandardsVersionRef(Schema):
    id: int
    url: str
    effective_at: datetime
    change_summary: str


class Standards(StandardsVersionRef):
    title: str
    method_summary: str
    body_html: str
    current: bool
    history: list[StandardsVersionRef]


# Building them.


def topic_ref(topic) -> dict:
    return {"slug": topic.slug, "name": topic.name, "url": page_url("briefings:topic", topic.slug)}


def topic(topic) -> dict:
    return {**topic_ref(topic), "description": topic.description}


def outlet_ref(outlet) -> dict:
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "url": page_url("briefings:outlet", outlet.slug),
    }


def outlet(outlet) -> dict:
    return {**outlet_ref(outlet), "homepage": outlet.homepage, "description": outlet.description}


def author_ref(user) -> dict:
    return {
        "slug": user.slug,
        "name": user.public_name,
        "url": page_url("briefings:author", user.slug),
    }


def author(user) -> dict:
    return {**author_ref(user), "bio": user.bio}


def notice(note) -> dict:
    return {
        "kind": note.kind,
        "label": note.get_kind_display(),
        "body_html": str(note.body),
        "created_at": note.created_at,
    }


def updated_at(briefing, noted_at) -> datetime:
    """When readers were last told of a change: the publication, or the latest correction,
    clarification or update after it."""
    return max(filter(None, [briefing.published_at, noted_at]))


def summary(briefing) -> dict:
    """A listing item: the live revision's listing columns (copied from its snapshot)."""
    live = briefing.live_revision
    return {
        "slug": briefing.slug,
        "url": page_url("briefings:detail", briefing.slug),
        "api_url": page_url("api-v1:get_briefing", briefing.slug),
        "headline": live.headline,
        "dek": live.dek,
        "work_type": live.work_type,
        "topic": topic_ref(live.topic),
        "outlet": outlet_ref(live.source_outlet) if live.source_outlet_id else None,
        "authors": [author_ref(user) for user in live.byline.all()],
        "published_at": briefing.published_at,
        "updated_at": updated_at(briefing, briefing.noted_at),
    }


def _media_url(name: str) -> str:
    return absolute(default_storage.url(name))


def image(image) -> dict | None:
    if image is None:
        return None
    renditions = [
        {
            "type": mime,
            "width": width,
            "url": absolute(default_storage.url(name_of(image.name, width, ext))),
        }
        for ext, _, mime, _ in KINDS
        for width in widths_for(image.width)
    ]
    return {
        "url": absolute(image.url),
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "source_type": image.source_type,
        "source_type_uri": image.source_type_uri,
        "width": image.width,
        "height": image.height,
        "sizes": SIZES,
        "renditions": renditions,
    }


def detail(briefing, snapshot, notes, users, original) -> dict:
    """A briefing as its page shows it: ``snapshot`` (its live revision's), its public record
    ``notes``, the ``users`` of its byline that have author pages (by id) and the briefing it
    follows, if readers can see it."""
    live = briefing.live_revision
    source = snapshot.source
    dating = [note.created_at for note in notes if note.kind in note.DATING]
    standards = live.standards
    return {
        "slug": briefing.slug,
        "url": page_url("briefings:detail", briefing.slug),
        "headline": snapshot.headline,
        "dek": snapshot.dek,
        "work_type": snapshot.work_type,
        "work_type_label": snapshot.get_work_type_display(),
        "topic": topic_ref(live.topic),
        "authors": [
            {
                "name": person.name,
                "slug": users[person.id]["slug"] if person.id in users else None,
                "url": users[person.id]["url"] if person.id in users else None,
            }
            for person in snapshot.byline
        ],
        "published_at": briefing.published_at,
        "updated_at": updated_at(briefing, max(dating, default=None)),
        "attribution": {
            "kind": snapshot.attribution_kind,
            "label": snapshot.get_attribution_kind_display(),
            "method_note": snapshot.method_note,
            "source": source
            and {
                "url": source.url,
                "title": source.title,
                "outlet": source.outlet_slug
                and {
                    "slug": source.outlet_slug,
                    "name": source.outlet_name,
                    "url": page_url("briefings:outlet", source.outlet_slug),
                }
                or None,
            },
            "citations": [
                {"title": c.title, "url": c.url, "publisher": c.publisher}
                for c in snapshot.citations
            ],
        },
        "ai_assistance": snapshot.ai_assisted
        and snapshot.ai
        and {
            "tool": snapshot.ai.tool,
            "uses": list(snapshot.ai.uses),
            "sentence": snapshot.ai.sentence,
            "checked_by": snapshot.ai.checker.name if snapshot.ai.checker else None,
        }
        or None,
        "image": image(snapshot.image),
        "takeaways": [point.text for point in snapshot.takeaways],
        "sections": [{"heading": s.heading, "body_html": str(s.body)} for s in snapshot.sections],
        "questions": [
            {"question": q.question, "answer_html": str(q.answer)} for q in snapshot.questions
        ],
        "notes": [
            {"kind": n.kind, "label": n.label, "body_html": str(n.body)} for n in snapshot.notes
        ],
        "public_record": [notice(note) for note in notes],
        "standards": standards
        and {
            "id": standards.pk,
            "url": absolute(standards.get_absolute_url()),
            "effective_at": standards.effective_at,
        },
        "follows": original
        and {
            "slug": original.slug,
            "headline": original.live_revision.headline,
            "url": page_url("briefings:detail", original.slug),
        },
    }


def standards_ref(version) -> dict:
    return {
        "id": version.pk,
        "url": absolute(version.get_absolute_url()),
        "effective_at": version.effective_at,
        "change_summary": version.change_summary,
    }


def standards(version, history) -> dict:
    return {
        **standards_ref(version),
        "title": version.title,
        "method_summary": version.method_summary,
        "body_html": str(version.body),
        "current": version.pk == history[0].pk,
        "history": [standards_ref(v) for v in history],
    }
