"""The bench's WSGI application: the site as deployed, plus ``/bench/bare/``, a view that
sends a file's bytes (``BENCH_BARE_BODY``) and does nothing else, behind the same middleware,
and ``/bench/one-query/<slug>/``, which sends the same bytes after running the first of a
briefing page's queries (the briefing and its live revision, by slug) and nothing else.
Used by bench/render.py as the floor a page is measured against, and the floor of any page
read from the database per request; never part of the site."""

import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import Http404, HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()
BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


def bare(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


def one_query(request, slug):
    from briefings.views import page_briefings

    if page_briefings().filter(slug=slug).first() is None:
        raise Http404
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/one-query/<slug:slug>/", one_query),
    path("", include(settings.ROOT_URLCONF)),
]
settings.ROOT_URLCONF = __name__
