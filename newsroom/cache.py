"""Whole-page caching of public pages for anonymous readers.

Every cached page's key carries a generation number; anything that changes what readers
see (publishing, withdrawing, a correction, the standards page) bumps the generation,
which clears all public pages at once without having to know their addresses.

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
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"

# What a cache server that is down, unreachable or too slow raises: redis-py's errors, and
# socket errors for the other network backends.
CACHE_ERRORS = (RedisError, OSError)

# Set when a clear could not reach the cache. The next request that reaches it clears first,
# so pages cached before the change are not served once the cache answers again. A process
# that ends meanwhile (a cron job) forgets it: then PAGE_CACHE_SECONDS bounds the staleness.
_clear_missed = False


def _generation() -> int:
    global _clear_missed
    if _clear_missed:
        _bump_generation()
        _clear_missed = False
    return cache.get_or_set(GENERATION_KEY, _new_generation, timeout=None)


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


def _cache_key(request) -> str | None:
    """The key for this request's page, or None when it must not come from the cache.

    Only the ``page`` parameter varies a public page; any other query string is served
    fresh, so made-up parameters cannot fill the cache.
    """
    if set(request.GET) - {"page"}:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{_generation()}:{path}"


def _cacheable(response) -> bool:
    return (
        response.status_code in {200, 404, 410}
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in response.get("Cache-Control", "")
    )


def _log_failure(request, error: Exception) -> None:
    logger.warning("Cache unavailable, serving %s uncached: %s", request.path, error)


def public_page(view):
    """Serve anonymous GET requests of ``view`` from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            key = _cache_key(request)
            response = cache.get(key) if key else None
        except CACHE_ERRORS as error:
            _log_failure(request, error)
            return view(request, *args, **kwargs)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if key and _cacheable(response):
                try:
                    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
                except CACHE_ERRORS as error:
                    _log_failure(request, error)
        return response

    return wrapped


def clear_public_pages_on_commit(**kwargs) -> None:
    """Signal receiver: clear public pages once the change that fired it is committed."""
    transaction.on_commit(clear_public_pages)
