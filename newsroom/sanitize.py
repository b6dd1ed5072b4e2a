"""The one allowlist for rich text, applied with bleach before anything is stored.

Sanitizing happens on save (see ``RichTextField``), never per request: bleach costs
tens of milliseconds on a long article, more than a whole page view may take.
"""

import re
import threading
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "em", "strong", "a", "blockquote"}
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Pasted from Word, Google Docs or a web page: kept under the house's name for the same thing.
_RENAMED_TAGS = {"b": "strong", "i": "em"}
# Google Docs wraps a whole paste in <b style="font-weight:normal" id="docs-internal-guid-…">.
_DOCS_WRAPPER_ID = "docs-internal-guid-"
_ANCHOR_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")
# Browsers ignore ASCII tab and newline inside URLs and strip leading controls and spaces.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "b":
        return name == "id" and value.startswith(_DOCS_WRAPPER_ID)  # read, then dropped
    if tag == "a":
        return name in {"href", "title"}
    if tag in {"h2", "h3", "h4"}:
        # Anchors for in-page links, such as the standards page's policy sections.
        return name == "id" and bool(_ANCHOR_ID.match(value))
    return False


def is_safe_url(url: str) -> bool:
    """True for relative links and http(s)/mailto links.

    bleach's own protocol check reads ``javascript:123`` as host and port, so the
    scheme is checked again here, after bleach, on the URL as a browser reads it.
    """
    cleaned = _URL_NOISE.sub("", url)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if scheme:
        return scheme in ALLOWED_PROTOCOLS
    return ":" not in cleaned.split("/", 1)[0]


class _LinkFilter(Filter):
    """Drops unsafe hrefs and marks links to other sites rel="noopener"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"))
                if href is not None and not is_safe_url(href):
                    del attrs[(None, "href")]
                    href = None
                if href and urlsplit(_URL_NOISE.sub("", href)).netloc:
                    attrs[(None, "rel")] = "noopener"
            yield token


class _RenameFilter(Filter):
    """Turns ``b`` into ``strong`` and ``i`` into ``em``, and drops Google Docs' wrapper."""

    def __iter__(self):
        wrappers = []  # for each open <b>: whether it is Google Docs' wrapper
        for token in super().__iter__():
            name = token.get("name")
            if name in _RENAMED_TAGS and token["type"] in {"StartTag", "EndTag"}:
                if name == "b":
                    if token["type"] == "StartTag":
                        wrapper_id = token["data"].get((None, "id"), "")
                        wrappers.append(wrapper_id.startswith(_DOCS_WRAPPER_ID))
                        is_wrapper = wrappers[-1]
                    else:
                        is_wrapper = wrappers.pop()
                    if is_wrapper:
                        continue
                token = {**token, "name": _RENAMED_TAGS[name], "data": {}}
            yield token


# Word pastes a bulleted list as paragraphs starting with "·" (its Symbol-font bullet) and
# non-breaking spaces; writers type "• ". A run of such paragraphs becomes one list. Only
# sanitized output is read here: a <p> then has no attributes and holds no other <p>.
# Possessive quantifiers: the pattern never backtracks, whatever the text.
_BULLET = r"<p>\s*+[·•](?:&nbsp;|&#160;|\s)++((?:(?!</?p>).)++)</p>"
_BULLET_RUN = re.compile(rf"(?:{_BULLET}\s*+)++", re.DOTALL)


def _bullets_to_list(html: str) -> str:
    def as_list(run: re.Match) -> str:
        items = re.findall(_BULLET, run.group(0), re.DOTALL)
        return "<ul>" + "".join(f"<li>{item.strip()}</li>" for item in items) + "</ul>"

    return _BULLET_RUN.sub(as_list, html)


_per_thread = threading.local()


def _cleaner() -> bleach.Cleaner:
    """This thread's cleaner. bleach's keeps parser state between calls, so one shared by
    the threads of a threaded server mixes up concurrent saves: another writer's text, an
    empty paragraph, or an exception."""
    cleaner = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = _per_thread.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS | _RENAMED_TAGS.keys(),
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_RenameFilter, _LinkFilter],
        )
    return cleaner


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowlist: safe to store and to render as is."""
    if not html:
        return ""
    return _bullets_to_list(_cleaner().clean(html)).strip()
