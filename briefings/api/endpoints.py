"""The operations of the content API (docs/api.md). Each reads only what readers can see:
briefings through ``Briefing.objects.published()`` and their live revision, the public
record through ``PublicNote.objects.visible()``, authors through their live bylines, the
standards in force."""

import re
from datetime import UTC, datetime
from typing import Annotated

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError
from pydantic import BeforeValidator

from sources.models import Outlet

from .. import authors, views
from ..models import Briefing, PublicNote, StandardsVersion, Topic
from . import schemas
from .cursor import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, Ordering
from .http import PROBLEM_TYPE, Problem, problem


class ContentAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The schema, saying that errors come as ``application/problem+json``."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = ContentAPI(
    title=f"{settings.SITE_NAME} content API",
    version="1",
    description="Read-only JSON of what readers see on the site: published briefings (their "
    "live revision), topics, outlets, authors, the corrections log and the standards. "
    "See docs/api.md for paging, caching, errors, the rate limit and CORS.",
    urls_namespace="api-v1",
)

ERRORS = {404: schemas.Problem, 422: schemas.Invalid, 429: schemas.Problem}
PAGED_ERRORS = {400: schemas.Problem, **ERRORS}

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items a page, 1 to 100.")]
# Optional parameters are typed without None: a query string has no null to send.
Cursor = Annotated[
    str,
    Query(
        None, max_length=200, description="`next_cursor` of the page before; omit for the first."
    ),
]
SlugFilter = Annotated[str, Query(None, pattern=SLUG_PATTERN, max_length=120)]
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d")


def _date_time_only(value):
    """An ISO 8601 date and time, never a number (which pydantic would read as a Unix time)."""
    if isinstance(value, str) and not DATE_TIME.match(value):
        raise ValueError("Give a date and time, e.g. 2026-12-01T09:00:00Z.")
    return value


UpdatedSince = Annotated[
    datetime,
    BeforeValidator(_date_time_only),
    Query(None, description="Only briefings published, corrected or updated at or after this."),
]


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return exc.response()


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc: BadCursor):
    return problem(400, f"{exc} Start again without a cursor.")


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return problem(404, str(exc) or "Nothing readers can see at this address.")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(422, "Some parameters are not valid: see errors.", errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc))


def _last_modified(response: HttpResponse, *moments) -> None:
    moments = [moment for moment in moments if moment]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())


# Briefings.

BRIEFING_ORDER = Ordering(("published_at", "id"), (datetime, int))

# What a listing item reads: the live revision's listing columns, its topic and outlet.
LISTING_FIELDS = (
    "slug",
    "status",
    "published_at",
    "live_revision",
    "live_revision__created_at",
    "live_revision__headline",
    "live_revision__dek",
    "live_revision__work_type",
    "live_revision__topic__name",
    "live_revision__topic__slug",
    "live_revision__source_outlet__name",
    "live_revision__source_outlet__slug",
)
BYLINE_FIELDS = ("pk", "slug", "display_name", "first_name", "last_name", "username")


def _dating_notes():
    return PublicNote.objects.filter(briefing=OuterRef("pk"), kind__in=PublicNote.DATING)


def _listing():
    """Published briefings with what a listing item shows: one query, and one for bylines."""
    latest_note = _dating_notes().order_by("-created_at").values("created_at")[:1]
    users = get_user_model().objects.only(*BYLINE_FIELDS).order_by("pk")
    return (
        Briefing.objects.published()
        .select_related("live_revision__topic", "live_revision__source_outlet")
        .only(*LISTING_FIELDS)
        .annotate(noted_at=Subquery(latest_note))
        .prefetch_related(Prefetch("live_revision__byline", queryset=users))
    )


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise Problem(400, f"Give {name} with its time zone, e.g. 2026-12-01T09:00:00Z.")
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        raise Problem(400, f"{name} is out of range.") from error


@api.get(
    "/briefings",
    response={200: schemas.Briefings, **PAGED_ERRORS},
    summary="Published briefings, newest first",
    tags=["briefings"],
)
def list_briefings(
    request,
    response: HttpResponse,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    topic: SlugFilter = None,
    outlet: SlugFilter = None,
    author: SlugFilter = None,
    updated_since: UpdatedSince = None,
):
    """Published briefings (their live revisions), newest publication first, a page at a
    time. Filters: a topic's, an outlet's or an author's slug, and ``updated_since``."""
    briefings = _listing()
    if topic is not None:
        found = Topic.objects.filter(slug=topic).first()
        if found is None:
            raise Problem(404, f"No topic “{topic}”.")
        briefings = briefings.filter(live_revision__topic=found)
    if outlet is not None:
        found = Outlet.objects.filter(slug=outlet).first()
        if found is None:
            raise Problem(404, f"No outlet “{outlet}”.")
        briefings = briefings.filter(live_revision__source_outlet=found)
    if author is not None:
        found = authors.with_published_briefings().filter(slug=author).first()
        if found is None:
            raise Problem(404, f"No author “{author}”.")
        briefings = briefings.filter(live_revision__byline=found)
    if updated_since is not None:
        since = _aware(updated_since, "updated_since")
        noted = Exists(_dating_notes().filter(created_at__gte=since))
        briefings = briefings.filter(Q(published_at__gte=since) | noted)
    items, next_cursor = BRIEFING_ORDER.page(briefings, cursor, limit)
    latest_note = PublicNote.objects.aggregate(latest=Max("created_at"))["latest"]
    _last_modified(
        response,
        latest_note,
        *(b.published_at for b in items),
        *(b.noted_at for b in items),
        *(b.live_revision.created_at for b in items),
    )
    return {"items": [schemas.summary(b) for b in items], "next_cursor": next_cursor}


# What a briefing's detail reads, in one query: its address and state, and its live
# revision's snapshot, topic, standards and the briefing it follows up.
DETAIL_FIELDS = (
    "slug",
    "status",
    "published_at",
    "live_revision",
    "live_revision__data",
    "live_revision__created_at",
    "live_revision__topic__name",
    "live_revision__topic__slug",
    "live_revision__standards__effective_at",
    "live_revision__follows__slug",
    "live_revision__follows__status",
    "live_revision__follows__published_at",
    "live_revision__follows__live_revision",
    "live_revision__follows__live_revision__headline",
)


@api.get(
    "/briefings/{slug}",
    response={200: schemas.BriefingDetail, 410: schemas.Gone, **ERRORS},
    summary="One published briefing, as its page shows it",
    tags=["briefings"],
)
def get_briefing(request, response: HttpResponse, slug: Slug):
    """The live revision of a published briefing with its public record. A withdrawn one
    answers 410 with the notice that says why; drafts and briefings scheduled for later, 404."""
    found = Briefing.objects.select_related(
        "live_revision__topic",
        "live_revision__standards",
        "live_revision__follows__live_revision",
    ).only(*DETAIL_FIELDS)
    try:
        briefing = views._live_briefing(slug, found)
    except views.Withdrawn as gone:
        raise _gone(gone.briefing) from None
    live = briefing.live_revision
    snapshot = live.snapshot
    notes = list(briefing.public_notes.all())
    ids = [person.id for person in snapshot.byline if person.id]
    users = {}
    if ids:
        people = get_user_model().objects.filter(pk__in=ids).only(*BYLINE_FIELDS)
        users = {user.pk: schemas.author_ref(user) for user in people}
    original = live.follows if live.follows_id and live.follows.is_live else None
    _last_modified(response, briefing.published_at, live.created_at, *(n.created_at for n in notes))
    return schemas.detail(briefing, snapshot, notes, users, original)


def _gone(briefing: Briefing) -> Problem:
    notice = briefing.public_notes.filter(kind=PublicNote.Kind.WITHDRAWAL).last()
    headline = briefing.live_revision.headline
    return Problem(
        410,
        f"We have withdrawn “{headline}”.",
        headline=headline,
        notice=schemas.notice(notice) if notice else None,
    )


# Topics, outlets, authors.


@api.get(
    "/topics",
    response={200: schemas.Topics, 429: schemas.Problem},
    summary="The topics, in the site's navigation order",
    tags=["topics"],
)
def list_topics(request):
    return {"items": [schemas.topic(t) for t in Topic.objects.all()]}


@api.get(
    "/topics/{slug}",
    response={200: schemas.Topic, **ERRORS},
    summary="One topic (its briefings: /briefings?topic=)",
    tags=["topics"],
)
def get_topic(request, slug: Slug):
    found = Topic.objects.filter(slug=slug).first()
    if found is None:
        raise Problem(404, f"No topic “{slug}”.")
    return schemas.topic(found)


OUTLET_ORDER = Ordering(("name", "id"), (str, int), descending=False)


@api.get(
    "/outlets",
    response={200: schemas.Outlets, **PAGED_ERRORS},
    summary="The outlets briefings are sourced from, by name",
    tags=["outlets"],
)
def list_outlets(request, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None):
    items, next_cursor = OUTLET_ORDER.page(Outlet.objects.all(), cursor, limit)
    return {"items": [schemas.outlet(o) for o in items], "next_cursor": next_cursor}


@api.get(
    "/outlets/{slug}",
    response={200: schemas.Outlet, **ERRORS},
    summary="One outlet (its briefings: /briefings?outlet=)",
    tags=["outlets"],
)
def get_outlet(request, slug: Slug):
    found = Outlet.objects.filter(slug=slug).first()
    if found is None:
        raise Problem(404, f"No outlet “{slug}”.")
    return schemas.outlet(found)


AUTHOR_ORDER = Ordering(("id",), (int,), descending=False)
AUTHOR_FIELDS = (*BYLINE_FIELDS, "bio")


@api.get(
    "/authors",
    response={200: schemas.Authors, **PAGED_ERRORS},
    summary="People on the byline of a published briefing",
    tags=["authors"],
)
def list_authors(request, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None):
    people = authors.with_published_briefings().only(*AUTHOR_FIELDS)
    items, next_cursor = AUTHOR_ORDER.page(people, cursor, limit)
    return {"items": [schemas.author(u) for u in items], "next_cursor": next_cursor}


@api.get(
    "/authors/{slug}",
    response={200: schemas.Author, **ERRORS},
    summary="One author (their briefings: /briefings?author=)",
    tags=["authors"],
)
def get_author(request, slug: Slug):
    found = authors.with_published_briefings().only(*AUTHOR_FIELDS).filter(slug=slug).first()
    if found is None:
        raise Problem(404, f"No author “{slug}”.")
    return schemas.author(found)


# The public record and the standards.

CORRECTION_ORDER = Ordering(("created_at", "id"), (datetime, int))


@api.get(
    "/corrections",
    response={200: schemas.Corrections, **PAGED_ERRORS},
    summary="The corrections log: every correction, clarification, update and withdrawal",
    tags=["corrections"],
)
def list_corrections(
    request, response: HttpResponse, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
):
    """Notes on the public record of briefings readers have seen, newest first; a withdrawn
    briefing's notes name it by the headline it went out under, as the page does."""
    notes = PublicNote.objects.for_log()
    items, next_cursor = CORRECTION_ORDER.page(notes, cursor, limit)
    _last_modified(response, *(n.created_at for n in items))
    return {
        "items": [
            {
                **schemas.notice(note),
                "id": note.pk,
                "briefing": {
                    "slug": note.briefing.slug,
                    "url": schemas.page_url("briefings:detail", note.briefing.slug),
                    "headline": note.revision.headline,
                    "withdrawn": note.briefing.status == Briefing.Status.WITHDRAWN,
                },
            }
            for note in items
        ],
        "next_cursor": next_cursor,
    }


def _standards_in_force() -> list[StandardsVersion]:
    history = list(StandardsVersion.objects.in_force())
    if not history:
        raise Problem(404, "The standards have not been written yet.")
    return history


@api.get(
    "/standards",
    response={200: schemas.Standards, **ERRORS},
    summary="The standards in force, with the dated list of their versions",
    tags=["standards"],
)
def current_standards(request, response: HttpResponse):
    history = _standards_in_force()
    _last_modified(response, history[0].effective_at)
    return schemas.standards(history[0], history)


@api.get(
    "/standards/{version_id}",
    response={200: schemas.Standards, **ERRORS},
    summary="One version of the standards, at an address that never changes",
    tags=["standards"],
)
def standards_version(
    request, response: HttpResponse, version_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
):
    history = _standards_in_force()
    version = next((v for v in history if v.pk == version_id), None)
    if version is None:
        raise Problem(404, f"No standards version {version_id}.")
    _last_modified(response, history[0].effective_at)
    return schemas.standards(version, history)
