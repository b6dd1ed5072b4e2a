"""Sitemaps for search engines: briefings a month at a time (with their lead images), a
Google News sitemap of the last two days' briefings, topics, outlets, authors and the
explanatory pages.

Every address is on ``settings.SITE_URL`` whatever host the request came to; ``lastmod``
values carry the time (W3C datetime to the second, with the offset), and each section's
latest one, for the index, comes from one aggregate query; each month's, with its count, from
a row a month (``SitemapMonth``) that the workflow keeps up to date (``SitemapMonth.refresh``).
"""

import math
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.files.storage import default_storage
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape

from sources.models import Outlet

from . import authors
from .feeds import absolute
from .models import Briefing, PublicNote, Revision, SitemapMonth, Topic
from .templatetags.sitemap_dates import w3c

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 addresses per news sitemap


def _latest(*dates):
    return max(filter(None, dates), default=None)


def _image_url(name: str) -> str:
    return absolute(default_storage.url(name)) if name else ""


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, never on the request's host."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


def _published_lastmods(briefings) -> dict:
    """When each published briefing in ``briefings`` last changed for readers: its first
    publication, its live revision, or the latest dated note on its public record."""
    dating = Q(public_notes__kind__in=PublicNote.DATING)
    return briefings.aggregate(
        published=Max("published_at"),
        revised=Max("live_revision__created_at"),
        noted=Max("public_notes__created_at", filter=dating),
    )


class BriefingSitemap(SiteSitemap):
    """Published briefings with their lead images. The site's own sitemaps are a month each
    (``MonthSitemap``), so a page never skips over the archive with an OFFSET."""

    # URLs a page: a month of a busy newsroom is a few pages, each written well under 50 ms
    # (bench/scale.py: 2,740 URLs took 55 ms at p95).
    limit = 2000

    def briefings(self):
        return Briefing.objects.published()

    def items(self):
        return (
            self.briefings()
            .select_related("live_revision")
            .only("slug", "published_at", "live_revision__created_at", "live_revision__lead_image")
            .with_noted_at()
            .order_by("-published_at", "-id")
        )

    @cached_property
    def _detail(self) -> str:
        return reverse("briefings:detail", args=["-"]).removesuffix("-/")

    def location(self, item: Briefing) -> str:
        # Every briefing's address differs by its slug alone: reversed once, not per item.
        return f"{self._detail}{item.slug}/"

    def lastmod(self, item: Briefing):
        return _latest(item.published_at, item.live_revision.created_at, item.noted_at)

    def image(self, item: Briefing) -> str:
        return _image_url(item.live_revision.lead_image)

    def get_latest_lastmod(self):
        return _latest(*_published_lastmods(self.briefings()).values())

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["image"] = self.image(url["item"])
        return urls


def month_briefings(start):
    """The published briefings first published in the calendar month from ``start`` (in the
    site's time zone), newest first, as (slug, published, revised, lead image, noted)."""
    end = (start + timedelta(days=32)).replace(day=1)
    return (
        Briefing.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .with_noted_at()
        .order_by("-published_at", "-id")
        .values_list(
            "slug",
            "published_at",
            "live_revision__created_at",
            "live_revision__lead_image",
            "noted_at",
        )
    )


def months() -> list[tuple]:
    """(first instant, lastmod, sitemap pages) of every month with published briefings,
    newest first: a row a month, kept by the workflow (``SitemapMonth.refresh``), never a count
    of the briefings."""
    rows = SitemapMonth.objects.filter(briefings__gt=0).order_by("-month")
    return [
        (SitemapMonth.start_of(month), lastmod, math.ceil(count / BriefingSitemap.limit))
        for month, count, lastmod in rows.values_list("month", "briefings", "lastmod")
    ]


class NewsSitemap(BriefingSitemap):
    """Google News: briefings first published in the last 48 hours, newest first, at most
    1,000, each with its publication, language, publication time and title."""

    limit = NEWS_LIMIT

    def briefings(self):
        since = timezone.now() - NEWS_WINDOW
        return Briefing.objects.published().filter(published_at__gte=since)

    def items(self):
        # At most NEWS_LIMIT rows, all on the sitemap's one page: read as a list, so that its
        # paginator counts the list instead of running a COUNT first.
        return list(
            self.briefings()
            .select_related("live_revision")
            .only(
                "slug",
                "published_at",
                "live_revision__created_at",
                "live_revision__lead_image",
                "live_revision__headline",
            )
            .with_noted_at()
            .order_by("-published_at", "-id")[:NEWS_LIMIT]
        )

    def get_latest_lastmod(self):
        return _latest(*_published_lastmods(self.briefings()).values())


class _ListingSitemap(SiteSitemap):
    """Pages that list published briefings: only those with one, dated by the latest. Each
    item's date is the newest published briefing filed under it, found by walking the
    publish-time index from the newest (never by grouping every briefing)."""

    field = ""

    def objects(self):
        raise NotImplementedError

    def items(self):
        newest = Briefing.objects.published().newest_by(self.field)
        found = self.objects().annotate(sitemap_lastmod=newest)
        return [item for item in found if item.sitemap_lastmod]

    def lastmod(self, item):
        return item.sitemap_lastmod

    def get_latest_lastmod(self):
        # The newest such briefing, walking the index from the newest (not a Max over a join).
        field = f"live_revision__{self.field}__isnull"
        published = Briefing.objects.published().filter(**{field: False})
        return published.order_by("-published_at").values_list("published_at", flat=True).first()


class TopicSitemap(_ListingSitemap):
    field = "topic"

    def objects(self):
        return Topic.objects.order_by("position", "name")


class OutletSitemap(_ListingSitemap):
    field = "source_outlet"

    def objects(self):
        return Outlet.objects.order_by("name", "pk")

    def location(self, item: Outlet) -> str:
        return reverse("briefings:outlet", args=[item.slug])


class AuthorSitemap(_ListingSitemap):
    field = "byline"

    def objects(self):
        # Users ever on a byline (an index lookup each); items() keeps those with a
        # published briefing.
        bylines = Revision.byline.through.objects.filter(user=OuterRef("pk"))
        return get_user_model().objects.filter(Exists(bylines)).order_by("slug")

    def location(self, item) -> str:
        return authors.author_url(item)


class PageSitemap(SiteSitemap):
    """The pages that explain the publication."""

    def items(self) -> list[str]:
        return [
            "briefings:home",
            "briefings:standards",
            "briefings:outlets",
            "briefings:corrections",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "news": NewsSitemap,
    "topics": TopicSitemap,
    "outlets": OutletSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}
TEMPLATES = {"news": "sitemaps/news.xml"}


def sitemap(request, section):
    """One section's sitemap (``?p=`` for its further pages)."""
    if section == "briefings":  # one file for every briefing, before sitemaps by month
        return redirect("briefings:sitemap_index", permanent=True)
    template = TEMPLATES.get(section, "sitemaps/sitemap.xml")
    return sitemap_views.sitemap(request, SITEMAPS, section, template_name=template)


URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
    'sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
)


def month(request, year, month):
    """The briefings first published in ``year``-``month``, 2,000 a page (``?p=``); 404 for
    a month without any, or a page past its end.

    A month holds thousands of addresses: they are read as plain values and written out
    directly (escaped), not through a model instance and a template loop each."""
    year, month = int(year), int(month)
    page = request.GET.get("p", "1")
    if not (1 <= month <= 12 and 1970 <= year <= 9999) or not page.isdigit() or page == "0":
        raise Http404("No such sitemap.")
    start = (int(page) - 1) * BriefingSitemap.limit
    if start > 10_000_000:
        raise Http404("No such sitemap.")
    first_day = timezone.make_aware(datetime(year, month, 1))
    rows = month_briefings(first_day)[start : start + BriefingSitemap.limit]
    detail = settings.SITE_URL + reverse("briefings:detail", args=["-"]).removesuffix("-/")
    entries = []
    for slug, published, revised, image, noted in rows:
        entry = f"<url><loc>{escape(detail + slug)}/</loc>"
        entry += f"<lastmod>{w3c(_latest(published, revised, noted))}</lastmod>"
        if image:
            entry += (
                f"<image:image><image:loc>{escape(_image_url(image))}</image:loc></image:image>"
            )
        entries.append(entry + "</url>\n")
    if not entries:
        raise Http404("No briefings were published that month.")
    body = URLSET + "".join(entries) + "</urlset>"
    response = HttpResponse(body.encode(), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def index(request):
    """The sitemap index: every section (and each further page of a long one), and the
    briefings a month at a time, newest first, on SITE_URL, with their latest lastmod."""
    entries = []
    for section, sitemap in SITEMAPS.items():
        sitemap = sitemap()
        location = settings.SITE_URL + reverse("briefings:sitemap", args=[section])
        lastmod = sitemap.get_latest_lastmod()
        entries.append((location, lastmod))
        if section == "news":  # at most NEWS_LIMIT, one page; then the months
            for start, latest, pages in months():
                name = f"{start:%Y}", f"{start:%m}"
                address = settings.SITE_URL + reverse("briefings:sitemap_month", args=name)
                entries.append((address, latest))
                entries += [(f"{address}?p={page}", latest) for page in range(2, pages + 1)]
            continue
        pages = sitemap.paginator.num_pages
        entries += [(f"{location}?p={page}", lastmod) for page in range(2, pages + 1)]
    context = {"entries": entries}
    response = render(request, "sitemaps/index.xml", context, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
