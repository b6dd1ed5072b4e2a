"""Whole-page caching of public pages for anonymous readers.

Every cached page is kept with the generation number it was rendered in; anything that
changes what readers see (publishing, withdrawing, a correction, the standards page) bumps
the generation, which clears all public pages at once without having to know their
addresses.

The cache is an optimisation, never a dependency: when it cannot be reached, pages are
rendered uncached and the failure is logged as a warning, once per failed request or clear.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from redis.exceptions import RedisError

from newsroom import pages

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"

# What a cache server that is down, unreachable or too slow raises: redis-py's errors, and
# socket errors for the other network backends.
CACHE_ERRORS = (RedisError, OSError)

# Set when a clear could not reach the cache. The next request that reaches it clears first,
# so pages cached before the change are not served once the cache answers again. A process
# that ends meanwhile (a cron job) forgets it: then PAGE_CACHE_SECONDS bounds the staleness.
_clear_missed = False


def _generation_and(key: str | None):
    """The current generation and the entry cached at ``key``, in one round trip."""
    global _clear_missed
    if _clear_missed:
        _bump_generation()
        _clear_missed = False
    found = cache.get_many([GENERATION_KEY, key] if key else [GENERATION_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return generation, found.get(key)


def _new_generation() -> int:
    """A generation never used before, for when the key is missing: Redis may evict or lose
    it while pages cached under earlier generations are still there."""
    return time.time_ns()


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def clear_public_pages() -> None:
    """Clear every cached public page; when the cache is unreachable, log it and clear it
    at the first chance, but never fail the publication that asked."""
    global _clear_missed
    try:
        _bump_generation()
    except CACHE_ERRORS as error:
        _clear_missed = True
        logger.warning(
            "Could not clear cached public pages (%s); will clear them when the cache answers.",
            error,
        )
    pages.advance()


def _cache_key(request) -> str | None:
    """The key for this request's page, or None when it must not come from the cache.

    Only the ``page`` parameter varies a public page; any other query string is served
    fresh, so made-up parameters cannot fill the cache.
    """
    if set(request.GET) - {"page"}:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{path}"


def _cacheable(response) -> bool:
    return (
        response.status_code in {200, 404, 410}
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in response.get("Cache-Control", "")
    )


def _log_failure(request, error: Exception) -> None:
    logger.warning("Cache unavailable, serving %s uncached: %s", request.path, error)


def _stored(generation: int, response) -> tuple:
    """What the cache keeps of a page: its generation, status, headers and body in one piece
    (a pickled response object costs more to load than the page is worth)."""
    return generation, response.status_code, list(response.items()), response.content


def _restored(entry) -> HttpResponse:
    _generation, status, headers, body = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _store(request, key: str, generation: int, response) -> None:
    try:
        cache.set(key, _stored(generation, response), settings.PAGE_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        _log_failure(request, error)


# The views wrapped in ``public_page``, by identity: an attribute would be copied by
# ``functools.wraps`` onto a view that wraps one of them with checks of its own (the API's
# rate limit), which the middleware must then not skip.
_PUBLIC_VIEWS: set = set()


def public_page(view):
    """Serve anonymous GET requests of ``view`` from the cache.

    A page is kept under its address with the generation it was rendered in, and the
    generation is read with it in one round trip; an entry of an earlier generation is a miss.
    A reader's request (no session cookie) is looked up by ``PageCacheMiddleware`` before the
    rest of the middleware runs; this then only renders the page and marks it for that
    middleware to keep. Any other anonymous request (one with a session cookie, or to a view
    that wraps this one, as the API's do) is looked up and kept here. Pages are sent as one
    body either way: a response written in many pieces (a feed) is sent in as many writes.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if hasattr(request, "page_cache_generation"):  # looked up by the middleware
            response = _one_body(pages.render(view, request, *args, **kwargs))
            response.keep_as_public_page = _cacheable(response)
            return response
        try:
            key = _cache_key(request)
            generation, entry = _generation_and(key)
        except CACHE_ERRORS as error:
            _log_failure(request, error)
            return _one_body(pages.render(view, request, *args, **kwargs))
        if entry is not None and entry[0] == generation:
            return _restored(entry)
        response = _one_body(pages.render(view, request, *args, **kwargs))
        if key and _cacheable(response):
            _store(request, key, generation, response)
        return response

    _PUBLIC_VIEWS.add(wrapped)
    return wrapped


def _reader_key(request) -> str | None:
    """The cache key of a reader's request for a public page: a GET or HEAD with no session
    cookie (so from nobody logged in) for an address whose view is wrapped in
    ``public_page``. None for any other request."""
    if request.method not in {"GET", "HEAD"} or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    request.get_host()  # a host not in ALLOWED_HOSTS is refused (400) before any cache
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    return _cache_key(request) if view in _PUBLIC_VIEWS else None


class PageCacheMiddleware:
    """Serve readers' public pages from the cache before the middleware below it runs.

    A cached page needs none of it: no session, user, CSRF token or log-in checks, so a page
    from the cache costs about what a bare view does (bench/render.py). What that middleware
    adds to a page's headers (``Vary: Cookie``, ``X-Frame-Options``) is kept with the page:
    it is stored here, on its way out, once the view has marked it as one to keep. The
    middleware above it (security headers, the content security policy) runs for every page.
    Put it after WhiteNoise and before the session middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _reader_key(request)
        if key is None:
            return self.get_response(request)
        try:
            generation, entry = _generation_and(key)
        except CACHE_ERRORS as error:
            _log_failure(request, error)
            request.page_cache_generation = None  # rendered uncached; not looked up again
            return self.get_response(request)
        if entry is not None and entry[0] == generation:
            return _restored(entry)
        request.page_cache_generation = generation
        response = self.get_response(request)
        if getattr(response, "keep_as_public_page", False) and not response.cookies:
            _store(request, key, generation, response)
        return response


def _one_body(response):
    """The response rendered, with its body joined into one piece."""
    if hasattr(response, "render"):
        response = response.render()
    if not response.streaming:
        response.content = response.content
    return response


def count_hit(key: str, window_seconds: int) -> int | None:
    """Count one hit on ``key`` (a throttle's, for a client address) and return the hits so
    far in its window, or None when the cache cannot be reached: throttles are a guard, not a
    dependency, and let requests through then (the caller logs it)."""
    try:
        if cache.add(key, 1, window_seconds):
            return 1
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.add(key, 1, window_seconds)
        return 1
    except CACHE_ERRORS:
        return None


def clear_public_pages_on_commit(**kwargs) -> None:
    """Signal receiver: clear public pages once the change that fired it is committed."""
    transaction.on_commit(clear_public_pages)
