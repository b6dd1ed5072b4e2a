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
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}/"
    return site if _is_web_url(url) and _is_web_url(site) else ""


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


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds listed in an OPML document (outlines with an xmlUrl), in order."""
    try:
        # Entity attacks need a DTD, and refuse_declarations() refuses those first.
        root = ET.fromstring(refuse_declarations(data))  # noqa: S314
    except (ET.ParseError, FeedParseError) as error:
        raise OpmlError(f"Not a readable OPML file: {error}") from error
    if root.tag != "opml" or root.find("body") is None:
        raise OpmlError("Not an OPML file: no <opml> element with a <body>.")
    feeds = []

    def walk(element, parent):
        for outline in element.findall("outline"):
            url = (outline.get("xmlUrl") or "").strip()
            if url:
                title = (outline.get("title") or outline.get("text") or "").strip()
                outlet_outline = parent if parent is not None and parent.get("htmlUrl") else None
                name = ""
                if outlet_outline is not None:
                    name = (outlet_outline.get("text") or "").strip()
                homepages = [(outline.get("htmlUrl") or "").strip()]
                if outlet_outline is not None:
                    homepages.append(outlet_outline.get("htmlUrl").strip())
                feeds.append(
                    OpmlFeed(
                        url=url,
                        title=title,
                        outlet_name=name or (outline.get("text") or "").strip() or title,
                        homepage=_homepage(homepages, url),
                    )
                )
            walk(outline, outline)

    walk(root.find("body"), None)
    return feeds


def _unique_value(model_field: str, value: str, taken: set[str]) -> str:
    candidate, n = value, 2
    while candidate.lower() in taken:
        candidate = f"{value}-{n}" if model_field == "slug" else f"{value} ({n})"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _outlet_for(entry: OpmlFeed, outlets: list[Outlet], report: ImportReport) -> Outlet:
    host = _host(entry.homepage)
    for outlet in outlets:
        if _host(outlet.homepage) == host or outlet.name.lower() == entry.outlet_name.lower():
            return outlet
    name = (entry.outlet_name or host or "Unnamed outlet")[:120]
    names = {outlet.name.lower() for outlet in outlets}
    slugs = {outlet.slug.lower() for outlet in outlets}
    outlet = Outlet.objects.create(
        name=_unique_value("name", name, names)[:120],
        slug=_unique_value("slug", slugify(name)[:100] or "outlet", slugs),
        homepage=entry.homepage,
    )
    outlets.append(outlet)
    report.outlets_created.append(outlet)
    return outlet


@transaction.atomic
def import_feeds(entries: list[OpmlFeed], *, outlet: Outlet | None = None, active: bool = True):
    """Create the feeds not yet known (and their outlets), leaving existing feeds as they are."""
    report = ImportReport()
    outlets = list(Outlet.objects.all())
    known = set(Feed.objects.values_list("url", flat=True))
    for entry in entries:
        if not _is_web_url(entry.url):
            report.skipped.append(f"{entry.url}: not an http(s) address")
            continue
        if entry.url in known:
            report.feeds_existing.append(entry.url)
            continue
        feed = Feed.objects.create(
            outlet=outlet or _outlet_for(entry, outlets, report),
            url=entry.url,
            title=entry.title[:300],
            is_active=active,
        )
        known.add(feed.url)
        report.feeds_created.append(feed)
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
