"""Site-wide middleware that must run before anything reads the request."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


def announced_length(request) -> int:
    """The body size the client announced in Content-Length (0 when missing or malformed,
    which is also how much Django will then read)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """Refuse a request whose announced body is over ``MAX_REQUEST_BYTES``, unread.

    Django parses a multipart body, spooling its files to disk, the first time anything
    touches ``request.POST``; the CSRF check does that for every POST, even an anonymous
    one. This answers 413 from the headers alone, so it belongs near the top of MIDDLEWARE.
    The front server's own limit (``client_max_body_size``) should match; see
    docs/operations.md.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if announced_length(request) > settings.MAX_REQUEST_BYTES:
            return render(
                request,
                "413.html",
                {
                    "limit": filesizeformat(settings.MAX_REQUEST_BYTES),
                    "max_upload": filesizeformat(settings.MAX_UPLOAD_BYTES),
                },
                status=413,
            )
        return self.get_response(request)
