"""The bench's WSGI application: the site as deployed, plus ``/bench/bare/``, a view that
sends a file's bytes (``BENCH_BARE_BODY``) and does nothing else, behind the same middleware.
Used by bench/render.py as the floor a page is measured against; never part of the site."""

import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()
BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


def bare(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__
