"""What every API response goes through, outside django-ninja: the per-client rate limit, the
public page cache (``newsroom.cache.public_page``, so publication clears API answers with the
pages), ``ETag``/``Last-Modified`` with ``304 Not Modified``, CORS for reads from any origin,
and RFC 9457 problem details for errors."""

import json
import logging
import time
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

from newsroom import outage
from newsroom.cache import count_hit, public_page
from newsroom.login_throttle import client_address

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
RATE_WINDOW_SECONDS = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
READ_METHODS = {"GET", "HEAD"}


class Problem(Exception):
    """An error answered as an RFC 9457 problem detail. ``extra`` adds members (the notice of
    a withdrawn briefing, the errors of a rejected parameter)."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra

    def response(self) -> HttpResponse:
        return problem(self.status, self.detail, **self.extra)


def problem(status: int, detail: str, **extra) -> HttpResponse:
    """A problem detail: ``about:blank`` types, so the title is the status's own phrase."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    content = json.dumps(body, cls=_Encoder, ensure_ascii=False)
    return HttpResponse(content, status=status, content_type=PROBLEM_TYPE)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return o.isoformat() if hasattr(o, "isoformat") else str(o)


def retry_after(request) -> int | None:
    """Seconds until this client may ask again, or None while it is within the limit.

    A fixed window per client address, counted in the cache (like the error reports'
    throttle): one ``add`` or ``incr`` a request. The cache is a guard, not a dependency:
    when it cannot be reached, requests are let through."""
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"api-rate:{client_address(request) or 'unknown'}:{window}"
    count = count_hit(key, RATE_WINDOW_SECONDS + 1)
    if count is None:
        logger.warning("Cache unavailable, API requests not rate limited.")
        return None
    if count <= limit:
        return None
    return max(1, int((window + 1) * RATE_WINDOW_SECONDS - now + 0.999))


def _with_etag(view):
    """``view`` with an ETag (a hash of the body) on its successful answers, worked out once
    and kept with the cached page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            response.setdefault("Cache-Control", "public, no-cache")
        return response

    return wrapped


def api_view(view, cached=True):
    """Wrap a django-ninja view for the public: OPTIONS preflight, the rate limit, HEAD as GET
    without a body, the page cache (unless ``cached`` is false), conditional GET, CORS headers
    on every answer."""
    answer = public_page(_with_etag(view)) if cached else _with_etag(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
        elif (wait := retry_after(request)) is not None:
            response = problem(
                429, f"Too many requests from this address: try again in {wait} seconds."
            )
            response["Retry-After"] = str(wait)
        elif request.method not in READ_METHODS:
            response = problem(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            head = request.method == "HEAD"
            request.method = "GET"
            try:
                response = _conditional(request, answer(request, *args, **kwargs))
            except outage.DATABASE_DOWN as error:
                if settings.DEBUG:
                    raise
                response = problem(503, "The database cannot be reached: try again in a minute.")
                for name, value in outage.logged_headers(request, error).items():
                    response[name] = value
            if head:
                response.content = b""
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    return wrapped


def _conditional(request, response):
    """304 Not Modified when the client's copy (If-None-Match, or else If-Modified-Since)
    is still current."""
    if response.status_code != 200 or not response.has_header("ETag"):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


def not_found(request, rest=""):
    """Any address under /api/v1/ that is no operation."""
    return problem(404, "No API operation at this address; see /api/v1/docs.")
