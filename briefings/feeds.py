"""RSS 2.0 and Atom 1.0 feeds of the latest published briefings, site-wide and per topic.

Each item is the live revision as readers see it: the snapshot rendered in full (dek,
takeaways, sections, questions, notes, and the attribution naming the source outlet with a
link to the original), its byline (one ``dc:creator`` or Atom ``author`` per person) and its
lead image as an enclosure. Every address is absolute on ``settings.SITE_URL``, whatever host
the request came to. A feed of 30 items costs two queries (three for a topic's).
"""

import logging
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from . import authors
from .models import Briefing, Topic

logger = logging.getLogger(__name__)

FEED_SIZE = 30


def absolute(url: str) -> str:
    """``url`` on the site's one origin (``SITE_URL``); addresses elsewhere (media on a CDN)
    are left as they are."""
    return url if "//" in url else settings.SITE_URL + url


class BriefingRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full text in ``content:encoded`` and one ``dc:creator`` per author."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content"])


class BriefingAtomFeed(Atom1Feed):
    """Atom 1.0 with the full text in ``content`` and one ``author`` per person on the byline.
    The feed's own author (the publication) covers entries without a byline (RFC 4287)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", absolute(url))
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestBriefingsFeed(Feed):
    feed_type = BriefingRssFeed
    description = "The latest briefings, each naming the source its story began from."

    @property
    def language(self) -> str:
        return settings.LANGUAGE_CODE

    def title(self) -> str:
        return settings.SITE_NAME

    def link(self) -> str:
        return settings.SITE_URL + "/"

    def author_name(self) -> str:
        return settings.SITE_NAME

    def feed_url(self) -> str:
        return absolute(reverse("briefings:rss"))

    def briefings(self, obj):
        return Briefing.objects.published()

    def items(self, obj=None):
        items = list(
            self.briefings(obj)
            .select_related("live_revision__topic")
            .with_noted_at()
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )
        # Feed instances serve every request: per-request data goes on the items.
        urls = authors.author_urls(p for i in items for p in i.live_revision.snapshot.byline)
        for item in items:
            item.author_urls = urls
        return items

    def item_title(self, item: Briefing) -> str:
        return item.live_revision.headline

    def item_description(self, item: Briefing) -> str:
        return item.live_revision.dek

    def item_link(self, item: Briefing) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item: Briefing) -> str:
        # The public address never changes, so neither does the guid.
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Briefing):
        return item.published_at

    def item_updateddate(self, item: Briefing):
        return max(filter(None, [item.published_at, item.live_revision.created_at, item.noted_at]))

    def item_categories(self, item: Briefing) -> list[str]:
        return [item.live_revision.topic.name, item.live_revision.get_work_type_display()]

    def item_enclosures(self, item: Briefing) -> list[Enclosure]:
        """The lead image, with its size read from storage (left out if it cannot be read)."""
        image = item.live_revision.snapshot.image
        if not image:
            return []
        try:
            length = default_storage.size(image.name)
        except OSError as error:
            logger.warning("Lead image %s left out of the feed: %s", image.name, error)
            return []
        mime_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return [Enclosure(absolute(image.url), str(length), mime_type)]

    def item_extra_kwargs(self, item: Briefing) -> dict:
        page = item.live_revision.snapshot
        return {
            "authors": [(p.name, item.author_urls.get(p.id, "")) for p in page.byline],
            "content": render_to_string(
                "briefings/feed_item.html",
                {"page": page, "briefing": item, "SITE_URL": settings.SITE_URL},
            ),
        }


class LatestBriefingsAtomFeed(LatestBriefingsFeed):
    feed_type = BriefingAtomFeed
    subtitle = LatestBriefingsFeed.description

    def feed_url(self) -> str:
        return absolute(reverse("briefings:atom"))


class TopicFeed(LatestBriefingsFeed):
    """The latest briefings whose live revision is in one topic."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj: Topic) -> str:
        return obj.description or f"The latest briefings on {obj.name}."

    def link(self, obj: Topic) -> str:
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj: Topic) -> str:
        return absolute(reverse("briefings:topic_rss", args=[obj.slug]))

    def briefings(self, obj: Topic):
        return Briefing.objects.published().filter(live_revision__topic=obj)


class TopicAtomFeed(TopicFeed):
    feed_type = BriefingAtomFeed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)

    def feed_url(self, obj: Topic) -> str:
        return absolute(reverse("briefings:topic_atom", args=[obj.slug]))
