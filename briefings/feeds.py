"""RSS and Atom feeds of the latest published briefings, for feed readers."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Briefing

FEED_SIZE = 30


class LatestBriefingsFeed(Feed):
    link = "/"
    description = "The latest briefings, each naming the source its story began from."

    def title(self) -> str:
        return settings.SITE_NAME

    def feed_url(self) -> str:
        return reverse("briefings:rss")

    def items(self):
        return Briefing.objects.for_listing().with_noted_at()[:FEED_SIZE]

    def item_title(self, item: Briefing) -> str:
        return item.live_revision.headline

    def item_description(self, item: Briefing) -> str:
        return item.live_revision.dek

    def item_guid(self, item: Briefing) -> str:
        # The public address never changes, so neither does the guid.
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    def item_pubdate(self, item: Briefing):
        return item.published_at

    def item_updateddate(self, item: Briefing):
        return max(filter(None, [item.published_at, item.noted_at]))

    def item_categories(self, item: Briefing) -> list[str]:
        return [item.live_revision.topic.name, item.live_revision.get_work_type_display()]


class LatestBriefingsAtomFeed(LatestBriefingsFeed):
    feed_type = Atom1Feed
    subtitle = LatestBriefingsFeed.description

    def feed_url(self) -> str:
        return reverse("briefings:atom")
