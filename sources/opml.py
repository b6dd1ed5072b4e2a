"""OPML import and export of feeds: the list format every feed reader reads and writes.

An export nests each outlet's feeds in an outline for the outlet (with its homepage), so an
import of our own file recreates the same outlets; files from other readers work too, with
an outlet per site, matched to existing outlets by homepage host or name.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import format_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Feed, Outlet, web_url
from .parse import FeedParseError, refuse_declarations

MAX_HOMEPAGE_LENGTH = Outlet._meta.get_field("homepage").max_length
OUTLET_NAME_LENGTH = Outlet._meta.get_field("name").max_length
OUTLET_SLUG_LENGTH = Outlet._meta.get_field("slug").max_length
FEED_URL_LENGTH = Feed._meta.get_field("url").max_length
FEED_TITLE_LENGTH = Feed._meta.get_field("title").max_length


class OpmlError(Exception):
    pass


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    outlet_name: str
    homepage: str


@dataclass
class ImportReport:
    feeds_created: list[Feed] = field(default_factory=list)
    feeds_existing: list[str] = field(default_factory=list)
    outlets_created: list[Outlet] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _is_web_url(url: str) -> bool:
    try:
        web_url(url)
    except ValidationError:
        return False
    return True


def _site_of(url: str) -> str:
    """The http(s) site a feed belongs to (scheme and host), or "" for other addresses."""
    if not _is_web_url(url):  # first: urlsplit() fails on some addresses, "http://[x" say
        return ""
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}/"
    return site if _is_web_url(site) else ""


def _homepage(candidates: list[str], feed_url: str) -> str:
    """The first http(s) address of ``candidates``, else the feed's site.

    htmlUrl comes from a file anyone can write, and the homepage becomes a link on the
    public sources page: a ``javascript:`` address there would run in readers' browsers.
    """
    for candidate in candidates:
        if candidate and _is_web_url(candidate) and len(candidate) <= MAX_HOMEPAGE_LENGTH:
            return candidate
    return _site_of(feed_url)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _feed_of(outline: ET.Element, parent: ET.Element | None) -> OpmlFeed | None:
    """The feed an outline lists (with its outlet from an enclosing outline), if any."""
    url = (outline.get("xmlUrl") or "").strip()
    if not url:
        return None
    title = (outline.get("title") or outline.get("text") or "").strip()
    outlet_outline = parent if parent is not None and parent.get("htmlUrl") else None
    name = ""
    homepages = [(outline.get("htmlUrl") or "").strip()]
    if outlet_outline is not None:
        name = (outlet_outline.get("text") or "").strip()
        homepages.append(outlet_outline.get("htmlUrl").strip())
    return OpmlFeed(
        url=url,
        title=title,
        outlet_name=name or (outline.get("text") or "").strip() or title,
        homepage=_homepage(homepages, url),
    )


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds listed in an OPML document (outlines with an xmlUrl), in order.

    At most OPML_MAX_OUTLINES outlines; nested as deep as they like (the walk keeps its own
    stack rather than Python's).
    """
    try:
        # Entity attacks need a DTD, and refuse_declarations() refuses those first.
        root = ET.fromstring(refuse_declarations(data))  # noqa: S314
    except (ET.ParseError, FeedParseError) as error:
        raise OpmlError(f"Not a readable OPML file: {error}") from error
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("Not an OPML file: no <opml> element with a <body>.")
    limit = settings.OPML_MAX_OUTLINES
    if sum(1 for _ in root.iter("outline")) > limit:
        raise OpmlError(
            f"The file has more than {limit:,} outlines (OPML_MAX_OUTLINES): split it, or "
            "raise the limit."
        )
    feeds = []
    # Outlines still to read, each with its parent outline, the next one last.
    pending = [(outline, None) for outline in reversed(body.findall("outline"))]
    while pending:
        outline, parent = pending.pop()
        feed = _feed_of(outline, parent)
        if feed is not None:
            feeds.append(feed)
        pending.extend((child, outline) for child in reversed(outline.findall("outline")))
    return feeds


class _Taken:
    """Outlet names (or slugs) in use, compared without case, and fresh ones made from them.

    A taken value gets a number ("Name (2)", "slug-2") and is cut to leave room for it;
    the next number to try for each value is remembered, so making n of them is linear.
    """

    def __init__(self, values, numbered: str, max_length: int):
        self.values = {value.lower() for value in values}
        self.numbered = numbered
        self.max_length = max_length
        self.next_number: dict[str, int] = {}

    def claim(self, value: str) -> str:
        value = value[: self.max_length]
        candidate, number = value, self.next_number.get(value.lower(), 2)
        while candidate.lower() in self.values:
            suffix = self.numbered.format(number)
            candidate = value[: self.max_length - len(suffix)] + suffix
            number += 1
        self.next_number[value.lower()] = number
        self.values.add(candidate.lower())
        return candidate


class _Outlets:
    """The outlets, found by homepage host (``www.`` ignored) or name, and new ones made."""

    def __init__(self):
        self.by_host: dict[str, Outlet] = {}
        self.by_name: dict[str, Outlet] = {}
        outlets = list(Outlet.objects.all())
        for outlet in outlets:
            self._index(outlet)
        self.names = _Taken([o.name for o in outlets], " ({})", OUTLET_NAME_LENGTH)
        self.slugs = _Taken([o.slug for o in outlets], "-{}", OUTLET_SLUG_LENGTH)
        self.created: list[Outlet] = []

    def _index(self, outlet: Outlet) -> None:
        host = _host(outlet.homepage)
        if host:
            self.by_host.setdefault(host, outlet)
        self.by_name.setdefault(outlet.name.lower(), outlet)

    def for_entry(self, entry: OpmlFeed) -> Outlet:
        host = _host(entry.homepage)
        outlet = self.by_host.get(host) or self.by_name.get(entry.outlet_name.lower())
        if outlet is not None:
            return outlet
        name = entry.outlet_name or host or "Unnamed outlet"
        outlet = Outlet(
            name=self.names.claim(name),
            slug=self.slugs.claim(slugify(name)[:100] or "outlet"),
            homepage=entry.homepage,
        )
        self._index(outlet)
        if entry.outlet_name:  # as the file spells it, before any cut
            self.by_name.setdefault(entry.outlet_name.lower(), outlet)
        self.created.append(outlet)
        return outlet


def _problem(entry: OpmlFeed) -> str:
    """Why the feed cannot be imported, or "" if it can."""
    if not _is_web_url(entry.url):
        return "not an http(s) address"
    if len(entry.url) > FEED_URL_LENGTH:
        return f"longer than {FEED_URL_LENGTH:,} characters"
    return ""


def _shortened(url: str) -> str:
    return url if len(url) <= 60 else url[:60] + "…"


@dataclass
class ImportPlan:
    """What importing a list would do, worked out without writing anything: the new feeds
    (unsaved, each with its outlet), the new outlets among those (unsaved), the addresses
    already known, and the feeds skipped, each with why."""

    feeds: list[Feed] = field(default_factory=list)
    outlets: list[Outlet] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plan_import(
    entries: list[OpmlFeed], *, outlet: Outlet | None = None, active: bool = True
) -> ImportPlan:
    """What ``import_feeds`` would do with ``entries`` now (the admin's preview shows it)."""
    plan = ImportPlan()
    outlets = _Outlets() if outlet is None else None
    known = set(Feed.objects.values_list("url", flat=True))
    for entry in entries:
        problem = _problem(entry)
        if problem:
            plan.skipped.append(f"{_shortened(entry.url)}: {problem}")
            continue
        if entry.url in known:
            plan.existing.append(entry.url)
            continue
        known.add(entry.url)
        plan.feeds.append(
            Feed(
                outlet=outlet or outlets.for_entry(entry),
                url=entry.url,
                title=entry.title[:FEED_TITLE_LENGTH],
                is_active=active,
            )
        )
    if outlets is not None:
        plan.outlets = outlets.created
    return plan


@transaction.atomic
def import_feeds(entries: list[OpmlFeed], *, outlet: Outlet | None = None, active: bool = True):
    """Create the feeds not yet known (and their outlets), leaving existing feeds as they are.

    A feed that cannot be imported is skipped, with the reason in the report; the others
    are imported. Two INSERTs in all (outlets, then feeds), however long the list.
    """
    plan = plan_import(entries, outlet=outlet, active=active)
    report = ImportReport(feeds_existing=plan.existing, skipped=plan.skipped)
    report.outlets_created = Outlet.objects.bulk_create(plan.outlets)
    report.feeds_created = Feed.objects.bulk_create(plan.feeds)
    return report


def export_opml(feeds) -> bytes:
    """An OPML 2.0 document of ``feeds``, grouped by outlet."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{settings.SITE_NAME}: feeds"
    ET.SubElement(head, "dateCreated").text = format_datetime(timezone.now(), usegmt=True)
    body = ET.SubElement(root, "body")
    groups: dict[int, ET.Element] = {}
    for feed in feeds.select_related("outlet").order_by("outlet__name", "url"):
        outlet = feed.outlet
        if outlet.pk not in groups:
            groups[outlet.pk] = ET.SubElement(
                body, "outline", text=outlet.name, title=outlet.name, htmlUrl=outlet.homepage
            )
        ET.SubElement(
            groups[outlet.pk],
            "outline",
            type="rss",
            text=feed.title or outlet.name,
            title=feed.title or outlet.name,
            xmlUrl=feed.url,
            htmlUrl=outlet.homepage,
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
