"""Reading RSS 0.9x/1.0/2.0 and Atom 1.0 with feedparser, after refusing what could hurt us.

feedparser 6.0.x falls back to a lenient parser when expat refuses a document, and that
parser expands entities that expat would not: a 200 KB "billion laughs" feed becomes
gigabytes. So entity declarations and DTD internal subsets are refused here, before
feedparser sees the bytes, and the body size is capped by the fetcher. A DOCTYPE that only
names an external DTD (as RSS 0.91 feeds do) is removed; no DTD is ever loaded.
"""

import calendar
import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser

from newsroom.plaintext import collapse_space, html_to_text, truncate

from .urlnorm import canonicalize_url

MAX_URL_LENGTH = 1000
MAX_GUID_LENGTH = 1000
MAX_TITLE_LENGTH = 500
MAX_AUTHOR_LENGTH = 200
MAX_SUMMARY_LENGTH = 2000
# Longer summaries are cut before their markup is removed; the text is shortened anyway.
MAX_SUMMARY_HTML = 20_000

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>?", re.IGNORECASE)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


class FeedParseError(Exception):
    """The body is not a feed we can read; the message says why, for the admin."""


@dataclass(frozen=True)
class Entry:
    """One item of a feed, as found: text fields may still hold markup."""

    url: str
    guid: str
    title: str
    summary: str
    author: str
    published_at: datetime | None
    title_is_html: bool = False
    summary_is_html: bool = True

    def clean_title(self) -> str:
        text = html_to_text(self.title) if self.title_is_html else collapse_space(self.title)
        return truncate(text, MAX_TITLE_LENGTH) or self.url[:MAX_TITLE_LENGTH]

    def clean_summary(self) -> str:
        summary = self.summary[:MAX_SUMMARY_HTML]
        text = html_to_text(summary) if self.summary_is_html else collapse_space(summary)
        return truncate(text, MAX_SUMMARY_LENGTH)


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[Entry]
    problem: str = ""  # set when the XML is malformed and entries were recovered leniently


def refuse_declarations(body: bytes) -> bytes:
    """``body`` without a harmless DOCTYPE; FeedParseError if it declares entities or a DTD."""
    # Removing NULs lets the same checks read the ASCII markup of UTF-16 and UTF-32 documents.
    text = body.replace(b"\x00", b"")
    if _ENTITY.search(text):
        raise FeedParseError(
            "Refused: the document declares XML entities (<!ENTITY>), which can be used to "
            "exhaust memory or read local files."
        )
    root = _ROOT_ELEMENT.search(text)
    prolog = text[: root.start()] if root else text
    doctype = _DOCTYPE.search(prolog)
    if doctype is None:
        return body
    if b"[" in doctype.group() or not doctype.group().endswith(b">"):
        raise FeedParseError("Refused: the document carries its own DTD (<!DOCTYPE … [ … ]>).")
    if b"\x00" in body[: len(prolog) * 4]:
        raise FeedParseError("Refused: a DOCTYPE in a UTF-16 or UTF-32 document.")
    return body.replace(doctype.group(), b"", 1)


def _as_utc(parsed) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _is_html(detail) -> bool:
    return bool(detail) and "html" in (detail.get("type") or "")


def _entry(raw) -> Entry | None:
    guid = (raw.get("id") or "").strip()
    link = (raw.get("link") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    parts = urlsplit(link)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    url = canonicalize_url(link)
    if len(url) > MAX_URL_LENGTH:
        return None
    summary, summary_detail = raw.get("summary"), raw.get("summary_detail")
    if not summary and raw.get("content"):
        summary_detail = raw["content"][0]
        summary = summary_detail.get("value")
    return Entry(
        url=url,
        guid=guid if len(guid) <= MAX_GUID_LENGTH else "",
        title=raw.get("title") or "",
        summary=summary or "",
        author=collapse_space(raw.get("author") or "")[:MAX_AUTHOR_LENGTH],
        published_at=_as_utc(
            raw.get("published_parsed") or raw.get("updated_parsed") or raw.get("created_parsed")
        ),
        title_is_html=_is_html(raw.get("title_detail")),
        summary_is_html=_is_html(summary_detail) if summary_detail else True,
    )


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """The entries of the feed in ``body``, fetched from ``url`` (the base for relative links)."""
    body = refuse_declarations(body)
    headers = {"content-location": url}
    if "xml" in content_type or "charset" in content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or a string: feedparser opens those as file names or URLs.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = [entry for entry in map(_entry, result.entries) if entry is not None]
    malformed = isinstance(result.get("bozo_exception"), xml.sax.SAXException)
    if not result.version and not result.entries:
        kind = f" (the server sent {content_type.split(';')[0]})" if content_type else ""
        if malformed:
            raise FeedParseError(f"Malformed XML{kind}: {result.bozo_exception}")
        raise FeedParseError(f"Not an RSS or Atom feed{kind}.")
    problem = f"Malformed XML: {result.bozo_exception}" if malformed else ""
    if malformed and not entries:
        raise FeedParseError(problem)
    title = collapse_space(html_to_text(result.feed.get("title") or ""))[:300]
    return ParsedFeed(title=title, entries=entries, problem=problem)
