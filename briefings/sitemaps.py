"""Sitemaps for search engines: briefings (with their lead images), a Google News sitemap of
the last two days' briefings, topics, outlets, authors and the explanatory pages.

Every address is on ``settings.SITE_URL`` whatever host the request came to; ``lastmod``
values carry the time (W3C datetime to the second, with the offset), and each section's
latest one, for the index, comes from one aggregate query.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.files.storage import default_storage
from django.db.models import Max, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sources.models import Outlet

from . import authors
from .feeds import absolute
from .models import Briefing, PublicNote, Topic

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
    limit = 5000

    def items(self):
        return (
            Briefing.objects.published()
            .select_related("live_revision")
            .only("slug", "published_at", "live_revision__created_at", "live_revision__lead_image")
            .with_noted_at()
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item: Briefing):
        return _latest(item.published_at, item.live_revision.created_at, item.noted_at)

    def image(self, item: Briefing) -> str:
        return _image_url(item.live_revision.lead_image)

    def get_latest_lastmod(self):
        return _latest(*_published_lastmods(Briefing.objects.published()).values())

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["image"] = self.image(url["item"])
        return urls


class NewsSitemap(BriefingSitemap):
    """Google News: briefings first published in the last 48 hours, newest first, at most
    1,000, each with its publication, language, publication time and title."""

    limit = NEWS_LIMIT

    def briefings(self):
        since = timezone.now() - NEWS_WINDOW
        return Briefing.objects.published().filter(published_at__gte=since)

    def items(self):
        return (
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


def _latest_by(field: str) -> dict:
    """The latest publication time of the published briefings, by ``field`` of their live
    revision (topic, outlet, byline user), in one query."""
    rows = (
        Briefing.objects.published()
        .filter(**{f"live_revision__{field}__isnull": False})
        .values_list(f"live_revision__{field}")
        .annotate(latest=Max("published_at"))
        .order_by()
    )
    return dict(rows)


class _ListingSitemap(SiteSitemap):
    """Pages that list published briefings: only those with one, dated by the latest."""

    field = ""

    def objects(self):
        raise NotImplementedError

    def items(self):
        latest = _latest_by(self.field)
        found = list(self.objects().filter(pk__in=latest))
        for item in found:
            item.sitemap_lastmod = latest[item.pk]
        return found

    def lastmod(self, item):
        return item.sitemap_lastmod

    def get_latest_lastmod(self):
        field = f"live_revision__{self.field}__isnull"
        published = Briefing.objects.published().filter(**{field: False})
        return published.aggregate(latest=Max("published_at"))["latest"]


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
        return authors.with_published_briefings().order_by("slug")

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
    "briefings": BriefingSitemap,
    "topics": TopicSitemap,
    "outlets": OutletSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}
TEMPLATES = {"news": "sitemaps/news.xml"}


def sitemap(request, section):
    """One section's sitemap (``?p=`` for its further pages)."""
    template = TEMPLATES.get(section, "sitemaps/sitemap.xml")
    return sitemap_views.sitemap(request, SITEMAPS, section, template_name=template)


def index(request):
    """The sitemap index: every section (and each further page of a long one), on SITE_URL,
    with its latest lastmod."""
    entries = []
    for section, sitemap in SITEMAPS.items():
        sitemap = sitemap()
        location = settings.SITE_URL + reverse("briefings:sitemap", args=[section])
        lastmod = sitemap.get_latest_lastmod()
        entries.append((location, lastmod))
        pages = sitemap.paginator.num_pages
        entries += [(f"{location}?p={page}", lastmod) for page in range(2, pages + 1)]
    context = {"entries": entries}
    response = render(request, "sitemaps/index.xml", context, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
