"""Pages of a long listing, read without counting it.

Django's paginator counts every row to know the number of pages; over all published
briefings that ``COUNT(*)`` grows with the archive on every request. A listing here reads its
page's rows and one more instead: the extra row says whether there is an older page, and the
page number in the address (``?page=N``) is all that is needed for the newer one. Templates
show "Newer" and "Older" links and the page's number, never a total.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property

# Past this, a page number is not a page of ours (and no database is asked to skip so far).
MAX_PAGE = 100_000
# From this many rows in, a page first finds its rows' ids (skipping index entries only,
# without joining every skipped row to its revision and topic), then reads those rows.
DEEP = 600


class Page:
    """One page of a listing: its rows and whether pages come before and after it."""

    def __init__(self, rows: list, number: int, size: int):
        self.number = number
        self.object_list = rows[:size]
        self._has_next = len(rows) > size

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value) -> int:
    """The page a ``?page=`` value asks for (1 when absent); 404 for anything else."""
    if value in (None, ""):
        return 1
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise Http404("No such page.")
    return int(text)


def rows_by_ids(queryset, part) -> list:
    """The rows of ``part`` (a slice of ``queryset``), read as their ids first (from the sort's
    index alone, skipping rows without reading them), then as rows of ``queryset`` by id, in
    the slice's order."""
    ids = list(part.values_list("pk", flat=True))
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def get_page(queryset, value, size: int) -> Page:
    """Page ``value`` of ``queryset`` (ordered), ``size`` rows at a time, in one query (two
    deep in the listing). A page past the end is a 404; the first page may be empty."""
    number = page_number(value)
    start = (number - 1) * size
    if start < DEEP:
        rows = list(queryset[start : start + size + 1])
    else:
        rows = rows_by_ids(queryset, queryset[start : start + size + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    return Page(rows, number, size)


class IdsFirstPaginator(Paginator):
    """Django's paginator for the admin's list, reading a page's ids first (from the sort
    column's index alone), then its rows by id. Read in one query, sorting by a column of
    another table (the topic's position and name) sorted every briefing's whole row to keep a
    hundred: 140 MB read at 100,000 briefings."""

    def _get_page(self, rows, number, paginator):
        return super()._get_page(rows_by_ids(self.object_list, rows), number, paginator)


class CappedPaginator(IdsFirstPaginator):
    """Django's paginator for a search in the admin's list, counting no further than ``CAP``
    matches. A word in most briefings matches most rows, and counting them all read the whole
    table on every page (200 ms at 100,000 briefings); counting to one past the cap stops as
    soon as it is passed. Past it, ``capped`` is true, the pages stop at the cap and the list
    says that more briefings match."""

    CAP = 1_000

    @cached_property
    def _found(self) -> int:
        """How many rows match, counted to one past the cap at most."""
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def count(self) -> int:
        return min(self._found, self.CAP)

    @property
    def capped(self) -> bool:
        return self._found > self.CAP
