"""A database outage answers 503 "come back in a minute", not an unbranded 500.

The page is a static template rendered without a request, so no context processor (the
topic navigation, for one) goes to the database that is down.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

from newsroom.errors import plain_page

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
# What Django raises when the database cannot be reached (or drops the connection).
DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseOutageMiddleware:
    """Turn a database that cannot be reached into a 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or not isinstance(exception, DATABASE_DOWN):
            return None  # the debug page, or Django's 500 for anything else
        headers = logged_headers(request, exception)
        return HttpResponse(plain_page("503.html"), status=503, headers=headers)


def logged_headers(request, exception: Exception) -> dict:
    """Log that ``request`` met a database outage, and return the headers of its 503 (the
    content API's, a problem detail, carries the same)."""
    logger.error("Database unavailable, %s answered 503: %s", request.path, exception)
    return {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
