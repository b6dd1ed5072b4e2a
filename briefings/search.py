"""Search of what readers can see: the live revisions of published briefings.

Each revision stores its searchable text when it is frozen (``document``): the dek, key
takeaways, sections and questions and answers as plain text. On PostgreSQL its stored
``tsvector`` (headline weighted A, dek B, the rest C), copied to the briefing's
``SearchEntry`` when the revision goes live (GIN-indexed there, beside the publish time),
answers the query, written in web-search syntax (``websearch_to_tsquery``: "quoted phrases",
-excluded words, ``or``), ranks the results and ``ts_headline`` marks the matches in the
live revision's text. Elsewhere (SQLite in development) a
plain fallback parses the same syntax and matches each term case-insensitively in the stored
text; headline matches rank first.

Either way only the newest ``MAX_RESULTS`` matches are ranked and shown, and the matches are
read no further than one past them (which tells the page that there are more) and never
counted: a word found in every briefing does not make the database rank or count them all.

Either way the marked text is escaped here, and only the ``<mark>`` tags this module adds are
markup: a query or a briefing cannot put HTML on the results page.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.plaintext import collapse_space, html_to_text

from .models import SearchEntry

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Private-use characters stand in for <mark> and </mark> until the text is escaped, and for
# < and > in what PostgreSQL reads: its parser takes "<word>" for a tag and leaves it out.
START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
STAND_INS = (START, STOP, LT, GT)
SNIPPET_CHARS = 220
# A search ranks the newest this many matches, reads no further than one past them and never
# counts them all, so that its time does not grow with the number of matches (issue 18).
MAX_RESULTS = 1_000


def document(snapshot) -> str:
    """The searchable text beneath the headline of ``snapshot``, rich text as plain text."""
    parts = [snapshot.dek]
    parts += [point.text for point in snapshot.takeaways]
    for part in snapshot.sections:
        parts += [part.heading, html_to_text(part.body)]
    for qa in snapshot.questions:
        parts += [qa.question, html_to_text(qa.answer)]
    text = "\n".join(collapse_space(p) for p in parts if p and p.strip())
    for stand_in in STAND_INS:
        text = text.replace(stand_in, "")
    return text


def _words(field: str) -> Replace:
    """``field`` with < and > stood in for, so that PostgreSQL reads "<word>" as a word."""
    text = Replace(F(field), Value("<"), Value(LT), output_field=TextField())
    return Replace(text, Value(">"), Value(GT), output_field=TextField())


def _vector(headline, dek, rest) -> SearchVector:
    return (
        SearchVector(headline, weight="A", config=CONFIG)
        + SearchVector(dek, weight="B", config=CONFIG)
        + SearchVector(rest, weight="C", config=CONFIG)
    )


def vector() -> SearchVector:
    """A revision's ``search_vector`` computed from its stored columns (PostgreSQL)."""
    return _vector(_words("headline"), _words("dek"), _words("search_document"))


def vector_of(headline: str, dek: str, document: str) -> SearchVector | None:
    """The ``search_vector`` of a revision about to be stored (None off PostgreSQL), in the
    same statement as the rest of the row."""
    if not uses_postgres():
        return None
    words = (Value(t.replace("<", LT).replace(">", GT)) for t in (headline, dek, document))
    return _vector(*words)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False


def parse(query: str) -> list[list[Term]]:
    """Web-search syntax as groups of terms: a document matches when it matches every term of
    any one group (``or`` separates groups). Quotes make a phrase, a leading ``-`` excludes."""
    groups: list[list[Term]] = [[]]
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', query):
        excluded, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if word is not None:
            if word.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            excluded = word.startswith("-")
            phrase = word.lstrip("-")
        text = collapse_space(phrase.strip(string.punctuation + " "))
        if text:
            groups[-1].append(Term(text, excluded))
    return [group for group in groups if group]


def search(briefings: QuerySet, query: str, topic=None, since=None, until=None) -> Results:
    """The newest ``MAX_RESULTS`` briefings of ``briefings`` (published ones, as listings load
    them) that match ``query``, best first, narrowed to ``topic`` and to the days from
    ``since`` to ``until`` when given; ``mark_results`` marks a page of them."""
    dates = {}
    if since:
        dates["published_at__date__gte"] = since
    if until:
        dates["published_at__date__lte"] = until
    briefings = briefings.filter(**dates)
    if topic:
        briefings = briefings.filter(live_revision__topic=topic)
    if not uses_postgres():
        return _search_fallback(briefings, query)
    entries = SearchEntry.objects.filter(published_at__lte=timezone.now(), **dates)
    if topic:
        entries = entries.filter(topic=topic)
    return _search_postgres(briefings, entries, query)


class Results:
    """The newest ``MAX_RESULTS`` matches of a search, best first, for Django's ``Paginator``
    (it calls ``count()``, then slices out a page).

    ``newest`` (the matches as (briefing id, publish time, rank), newest first) is read up to
    one past ``MAX_RESULTS``: on PostgreSQL from the search entries, walking their publish-time
    index for a common word, from their search index for a rare one. They are put in order
    here, and a page's rows are then read from ``briefings`` by id with their ``marks``
    (annotations such as ``ts_headline``, so run for the page's rows alone). However many
    briefings match, no more are read or ranked, and none are counted. ``more`` says that more
    briefings matched than are shown.
    """

    def __init__(self, briefings: QuerySet, newest: QuerySet, **marks):
        self.briefings, self.newest, self.marks = briefings, newest, marks

    @cached_property
    def _found(self) -> list[tuple]:
        """(pk, published_at, rank) of the newest matches, up to one past ``MAX_RESULTS``."""
        rows = self.newest[: MAX_RESULTS + 1]
        if not uses_postgres():
            return list(rows)
        # PostgreSQL plans the walk for a common word with parallel workers, whose start costs
        # more than the walk (it stops after MAX_RESULTS + 1 rows): this query goes without.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return list(rows)

    @cached_property
    def ids(self) -> list[int]:
        """The ids of the newest ``MAX_RESULTS`` matches, best first (rank, then newest)."""
        best = sorted(
            self._found[:MAX_RESULTS], key=lambda row: (row[2], row[1], row[0]), reverse=True
        )
        return [pk for pk, _, _ in best]

    @property
    def more(self) -> bool:
        return len(self._found) > MAX_RESULTS

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, page: slice) -> list:
        """The briefings of ``page`` (a slice of the results), with their ``marks``."""
        ids = self.ids[page]
        rows = self.briefings.filter(pk__in=ids).annotate(**self.marks).in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


def _newest_first(matches: QuerySet, rank, pk: str = "pk") -> QuerySet:
    return (
        matches.annotate(rank=rank)
        .order_by("-published_at", f"-{pk}")
        .values_list(pk, "published_at", "rank")
    )


def _search_postgres(briefings: QuerySet, entries: QuerySet, query: str) -> Results:
    tsquery = SearchQuery(query, search_type="websearch", config=CONFIG)
    marks = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
    # Ranked in a subquery, which the database runs for the rows the query returns only (after
    # its sort and limit): a word read from the search index is not ranked in every match.
    entry = SearchEntry.objects.filter(pk=OuterRef("pk")).order_by()
    rank = entry.values(rank=SearchRank(F("vector"), tsquery))
    return Results(
        briefings,
        _newest_first(entries.filter(vector=tsquery), Subquery(rank), pk="briefing_id"),
        headline_marks=SearchHeadline(
            _words("live_revision__headline"), tsquery, highlight_all=True, **marks
        ),
        snippet_marks=SearchHeadline(
            _words("live_revision__search_document"),
            tsquery,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **marks,
        ),
    )


def _contains(text: str) -> Q:
    return Q(live_revision__headline__icontains=text) | Q(
        live_revision__search_document__icontains=text
    )


def _search_fallback(briefings: QuerySet, query: str) -> Results:
    groups = parse(query)
    if not groups:
        return Results(briefings.none(), _newest_first(briefings.none(), Value(0)))
    matches = Q()
    for group in groups:
        every = Q()
        for term in group:
            every &= ~_contains(term.text) if term.excluded else _contains(term.text)
        matches |= every
    rank = Value(0)
    if wanted := [t.text for group in groups for t in group if not t.excluded]:
        in_headline = Q()
        for text in wanted:
            in_headline |= Q(live_revision__headline__icontains=text)
        rank = Case(When(in_headline, then=Value(1)), default=rank, output_field=IntegerField())
    # Snippets are cut from the stored text here: load it with the rows.
    briefings = briefings.defer(None).defer("live_revision__data", "live_revision__search_vector")
    return Results(briefings, _newest_first(briefings.filter(matches), rank))


def marked(text: str) -> SafeString:
    """``text`` with its stand-in marks as ``<mark>`` elements and everything else escaped."""
    html = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", escape(text))
    html = html.replace(START, "").replace(STOP, "").replace(LT, "&lt;").replace(GT, "&gt;")
    return mark_safe(html)  # noqa: S308 (escaped above)


def _mark_terms(text: str, terms: list[str]) -> str:
    if not terms:
        return text
    pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.sub(f"({pattern})", f"{START}\\1{STOP}", text, flags=re.IGNORECASE)


def _window(text: str, terms: list[str]) -> str:
    """About SNIPPET_CHARS of ``text`` around the first match, cut at spaces."""
    lower = text.lower()
    found = [i for i in (lower.find(t.lower()) for t in terms) if i >= 0]
    first = min(found, default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    end = min(len(text), start + SNIPPET_CHARS)
    if start > 0 and (space := re.search(r"\s", text[start:first])):
        start += space.end()
    if end < len(text):
        cut = max(text.rfind(" ", first, end), text.rfind("\n", first, end))
        end = cut if cut > first else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def mark_results(briefings: list, query: str) -> None:
    """Give each briefing of one page of results its escaped, marked headline and snippet."""
    terms = [t.text for group in parse(query) for t in group if not t.excluded]
    for briefing in briefings:
        revision = briefing.live_revision
        if hasattr(briefing, "headline_marks"):
            headline, snippet = briefing.headline_marks, briefing.snippet_marks
        else:
            headline = _mark_terms(revision.headline, terms)
            snippet = _mark_terms(_window(revision.search_document, terms), terms)
        briefing.marked_headline = marked(headline)
        # The stored text keeps its parts (dek, headings, paragraphs) on lines of their own.
        briefing.marked_snippet = marked(snippet.strip().replace("\n", " · "))
