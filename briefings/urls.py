from urllib.parse import urlsplit

from django.conf import settings
from django.urls import path, re_path

from newsroom.cache import public_page

from . import media, sitemaps, views
from .feeds import LatestBriefingsAtomFeed, LatestBriefingsFeed, TopicAtomFeed, TopicFeed

app_name = "briefings"
urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("topics/<slug:slug>/feed/", public_page(TopicFeed()), name="topic_rss"),
    path("topics/<slug:slug>/feed/atom/", public_page(TopicAtomFeed()), name="topic_atom"),
    path("search/", views.search_page, name="search"),
    path("briefings/<slug:slug>/", views.detail, name="detail"),
    path("briefings/<slug:slug>/report/", views.report_error, name="report_error"),
    path("briefings/<slug:slug>/history/", views.history, name="history"),
    path(
        "briefings/<slug:slug>/history/<int:old>/<int:new>/",
        views.history_compare,
        name="history_compare",
    ),
    path("standards/", views.standards, name="standards"),
    path("standards/history/", views.standards_history, name="standards_history"),
    path("standards/<int:pk>/", views.standards_version, name="standards_version"),
    path("sources/", views.outlet_list, name="outlets"),
    path("sources/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("corrections/", views.corrections, name="corrections"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path(
        "preview/<int:pk>/revisions/<int:number>/",
        views.revision_preview,
        name="revision_preview",
    ),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
    # Uploaded images, checked: published ones for all, drafts' for who may preview them.
    path(urlsplit(settings.MEDIA_URL).path.strip("/") + "/<path:name>", media.media, name="media"),
    path("feed/", public_page(LatestBriefingsFeed()), name="rss"),
    path("feed/atom/", public_page(LatestBriefingsAtomFeed()), name="atom"),
    path("sitemap.xml", public_page(sitemaps.index), name="sitemap_index"),
    re_path(
        r"^sitemap-briefings-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})\.xml$",
        public_page(sitemaps.month),
        name="sitemap_month",
    ),
    path("sitemap-<section>.xml", public_page(sitemaps.sitemap), name="sitemap"),
]
