"""Keyset pagination with opaque cursors.

A cursor is the sort key of the last item a page returned, as URL-safe base64 of a JSON list
(``["2026-12-01T09:00:00+00:00", 42]``); the next page is the items strictly after it in the
listing's order. The order always ends with the primary key, so it is total and stable: items
added or removed between two requests neither repeat nor shift the pages after them.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

MAX_CURSOR_LENGTH = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class BadCursor(ValueError):
    """A cursor this API did not hand out (or one for another listing)."""


@dataclass(frozen=True)
class Ordering:
    """A listing's order: its fields (the last is the primary key) and their types."""

    fields: tuple[str, ...]
    types: tuple[type, ...]
    descending: bool = True

    def order_by(self) -> list[str]:
        return [("-" if self.descending else "") + name for name in self.fields]

    def encode(self, item) -> str:
        values = [_attribute(item, name) for name in self.fields]
        plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
        text = json.dumps(plain, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(text).rstrip(b"=").decode()

    def decode(self, cursor: str) -> tuple:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise BadCursor("The cursor is too long.")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            values = json.loads(raw)
        except (binascii.Error, ValueError, UnicodeDecodeError) as error:
            raise BadCursor("The cursor is not one this API gave out.") from error
        if not isinstance(values, list) or len(values) != len(self.types):
            raise BadCursor("The cursor is not one this API gave out.")
        return tuple(_typed(value, kind) for value, kind in zip(values, self.types, strict=True))

    def after(self, values: tuple) -> Q:
        """The items that come after ``values`` in this order."""
        op = "lt" if self.descending else "gt"
        condition = Q()
        for index in reversed(range(len(self.fields))):
            equal = {name: value for name, value in zip(self.fields[:index], values, strict=False)}
            step = Q(**equal, **{f"{self.fields[index]}__{op}": values[index]})
            condition = step if index == len(self.fields) - 1 else step | condition
        return condition

    def page(self, queryset, cursor: str | None, limit: int) -> tuple[list, str | None]:
        """Up to ``limit`` items after ``cursor``, and the cursor of the page after them
        (None on the last page). One query: it asks for one item more than it returns."""
        if cursor:
            queryset = queryset.filter(self.after(self.decode(cursor)))
        items = list(queryset.order_by(*self.order_by())[: limit + 1])
        if len(items) > limit:
            return items[:limit], self.encode(items[limit - 1])
        return items, None


def _attribute(item, name: str):
    for part in name.split("__"):
        item = getattr(item, part)
    return item


def _typed(value, kind: type):
    if kind is datetime:
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                return moment
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            return value
    elif isinstance(value, kind) and len(value) <= MAX_CURSOR_LENGTH:
        return value
    raise BadCursor("The cursor is not one this API gave out.")
