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


def public_page(view):
    """Serve anonymous GET requests of ``view`` from the cache.

    A page is kept under its address with the generation it was rendered in, and the
    generation is read with it in one round trip; an entry of an earlier generation is a miss.
    Pages are sent as one body either way: a response written in many pieces (a feed) is sent
    in as many writes.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
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
            try:
                cache.set(key, _stored(generation, response), settings.PAGE_CACHE_SECONDS)
            except CACHE_ERRORS as error:
                _log_failure(request, error)
        return response

    return wrapped


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
