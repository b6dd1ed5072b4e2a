from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Briefing, Topic


class BriefingSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Briefing.objects.for_listing().with_noted_at()

    def lastmod(self, item: Briefing):
        return max(filter(None, [item.published_at, item.noted_at]))


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.all()


class PageSitemap(Sitemap):
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


SITEMAPS = {"briefings": BriefingSitemap, "topics": TopicSitemap, "pages": PageSitemap}
