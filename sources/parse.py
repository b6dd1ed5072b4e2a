"""Reading RSS 0.9x/1.0/2.0 and Atom 1.0 with feedparser, after refusing what could hurt us.

feedparser 6.0.x falls back to a lenient parser when expat refuses a document, and that
parser expands entities that expat would not: a 200 KB "billion laughs" feed becomes
gigabytes. So entity declarations and DTD internal subsets are refused here, before
feedparser sees the document, and the body size is capped by the fetcher. A DOCTYPE that
only names an external DTD (as RSS 0.91 feeds do) is removed; no DTD is ever loaded.

The checks must read the same characters the parser reads, and an encoding such as UTF-7
or EBCDIC can spell ``<!ENTITY`` without those bytes. So only UTF-8/16/32 and ASCII-based
single-byte encodings are accepted (by byte order mark, XML declaration or HTTP charset),
the document is decoded here, checked as text, and handed on as UTF-8 that says so.
"""

import calendar
import codecs
import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
from django.utils.http import parse_header_parameters

from newsroom.plaintext import collapse_space, html_to_text, truncate

from .urlnorm import canonicalize_url

MAX_URL_LENGTH = 1000
MAX_GUID_LENGTH = 1000
MAX_TITLE_LENGTH = 500
MAX_AUTHOR_LENGTH = 200
MAX_SUMMARY_LENGTH = 2000
# Longer summaries are cut before their markup is removed; the text is shortened anyway.
MAX_SUMMARY_HTML = 20_000
# feedparser spends tens of microseconds on every tag (more when the XML is malformed) and
# memory on every level of nesting: 10 MB of nested tags took it a minute and 788 MB. Feeds
# nest a few levels (rss > channel > item > title, XHTML content a few more) and a
# 5,000-item feed has some 70,000 tags, so these refuse only what no feed needs.
MAX_DEPTH = 100
MAX_TAGS = 200_000

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ENTITY_TEXT = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>?", re.IGNORECASE)
_ROOT_ELEMENT = re.compile(r"<[A-Za-z_]")
_TAG_NAME = re.compile(rb"[A-Za-z_:\x80-\xff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*>")
_DECLARED_ENCODING = re.compile(r"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)")
UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

# Encodings in which the markup of a document is plain ASCII (or UTF-16/32 of it), so what
# the checks below read is what any parser reads. Names as codecs.lookup() gives them.
ACCEPTED_ENCODINGS = frozenset(
    {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"}
    | {"utf-32", "utf-32-le", "utf-32-be", "ascii", "koi8-r", "koi8-u"}
    | {f"iso8859-{n}" for n in range(1, 17) if n != 12}
    | {f"cp{n}" for n in range(1250, 1259)}
)
# Byte order marks, longest first, and the first characters "<?" of a document without one.
_BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_FIRST_BYTES = {
    b"<\x00\x00\x00": "utf-32-le",
    b"\x00\x00\x00<": "utf-32-be",
    b"<\x00?\x00": "utf-16-le",
    b"\x00<\x00?": "utf-16-be",
    b"Lo\xa7\x94": "cp037",  # EBCDIC: refused, but named in the message
}


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


def _encoding_name(label: str, source: str) -> str:
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        name = ""
    if name not in ACCEPTED_ENCODINGS:
        raise FeedParseError(
            f"Refused: the {source} names the character encoding {label.strip()!r}, which is "
            "not accepted (only UTF-8, UTF-16, UTF-32, ASCII, ISO-8859-*, Windows-125x and "
            "KOI8), because it could hide markup from the safety checks."
        )
    return name


def _sniff(body: bytes) -> tuple[str, int]:
    """The encoding given by a byte order mark (and its length), or by the first bytes."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return encoding, len(mark)
    return _FIRST_BYTES.get(body[:4], ""), 0


def _http_encoding(content_type: str) -> str:
    try:
        charset = parse_header_parameters(content_type)[1].get("charset", "")
    except ValueError as error:
        raise FeedParseError(f"Refused: an unreadable Content-Type header ({error}).") from error
    return _encoding_name(charset, "HTTP Content-Type") if charset else ""


def decode_document(body: bytes, content_type: str = "") -> str:
    """The text of an XML document, in the encoding it declares, if that is one we accept.

    The byte order mark, the XML declaration and the HTTP charset are all checked, since
    parsers differ in which of them they believe.
    """
    sniffed, mark_length = _sniff(body)
    if sniffed:
        _encoding_name(sniffed, "start of the document")
    prefix = body[mark_length : mark_length + 1024].decode(sniffed or "latin-1", "replace")
    declared = _DECLARED_ENCODING.match(prefix)
    xml_encoding = _encoding_name(declared.group(1), "XML declaration") if declared else ""
    http_encoding = _http_encoding(content_type)
    if sniffed:
        candidates = [sniffed]
    else:
        candidates = [http_encoding, xml_encoding, "utf-8", "cp1252", "iso8859-1"]
    for encoding in filter(None, candidates):
        try:
            return body[mark_length:].decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FeedParseError(f"The document is not valid {sniffed.upper()} text.")


def refuse_declarations(body: bytes, content_type: str = "") -> bytes:
    """``body`` as UTF-8, without a harmless DOCTYPE; FeedParseError if it could hurt us.

    Refused: an encoding other than UTF-8/16/32 or an ASCII-based single-byte one, entity
    declarations, and a DOCTYPE with an internal subset. The XML declaration, if any, is
    replaced by one that says UTF-8.
    """
    # A quick first look: removing NULs shows the ASCII markup of UTF-16 and UTF-32 too.
    if _ENTITY.search(body.replace(b"\x00", b"")):
        raise _entities_refused()
    text = decode_document(body, content_type)
    # The same checks on the characters the parser will read, whatever the encoding was.
    if _ENTITY_TEXT.search(text):
        raise _entities_refused()
    root = _ROOT_ELEMENT.search(text)
    prolog = text[: root.start()] if root else text
    doctype = _DOCTYPE.search(prolog)
    if doctype is not None:
        if "[" in doctype.group() or not doctype.group().endswith(">"):
            raise FeedParseError("Refused: the document carries its own DTD (<!DOCTYPE … [ … ]>).")
        text = text.replace(doctype.group(), "", 1)
    if _XML_DECLARATION.match(text):
        text = _XML_DECLARATION.sub(UTF8_DECLARATION, text, count=1)
    return text.encode("utf-8")


def refuse_excessive_markup(body: bytes) -> None:
    """FeedParseError if ``body`` nests elements deeper than MAX_DEPTH or has more than
    MAX_TAGS tags (comments, CDATA sections and the like included).

    One pass over the document, stopping at the first limit crossed, that reads what an
    XML parser would take for tags: not what is inside CDATA sections or comments. It does
    not need well-formed XML, as feedparser's lenient parser does not either.
    """
    depth = tags = 0
    start = body.find(b"<")
    while start != -1:
        tags += 1
        if tags > MAX_TAGS:
            raise FeedParseError(f"Refused: the document has more than {MAX_TAGS:,} tags.")
        if body.startswith(b"<![CDATA[", start):
            end = body.find(b"]]>", start)
        elif body.startswith(b"<!--", start):
            end = body.find(b"-->", start)
        else:
            end = body.find(b">", start)
            if end != -1 and body.startswith(b"</", start):
                depth = max(depth - 1, 0)
            elif end != -1 and _TAG_NAME.match(body, start + 1) and body[end - 1 : end] != b"/":
                depth += 1  # a start tag, and not one that closes itself
                if depth > MAX_DEPTH:
                    raise FeedParseError(
                        f"Refused: the document nests elements more than {MAX_DEPTH} deep."
                    )
        if end == -1:
            return
        start = body.find(b"<", end)


def _entities_refused() -> FeedParseError:
    return FeedParseError(
        "Refused: the document declares XML entities (<!ENTITY>), which can be used to "
        "exhaust memory or read local files."
    )


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
    try:
        parts = urlsplit(link)
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            return None
        url = canonicalize_url(link)
    except ValueError:  # an address urlsplit() cannot read: "http://[x", a port of 99999
        return None
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
    body = refuse_declarations(body, content_type)
    refuse_excessive_markup(body)
    # The body is UTF-8 now, whatever the server said, and feedparser is told so.
    headers = {"content-location": url, "content-type": "application/xml; charset=utf-8"}
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
