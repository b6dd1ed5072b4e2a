"""Whole-page caching of public pages for anonymous readers.

Every cached page's key carries a generation number; anything that changes what readers
see (publishing, withdrawing, a correction, the standards page) bumps the generation,
which clears all public pages at once without having to know their addresses.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public-pages:generation"


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def clear_public_pages() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


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


def public_page(view):
    """Serve anonymous GET requests of ``view`` from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _cache_key(request)
        response = cache.get(key) if key else None
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if key and _cacheable(response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped


def clear_public_pages_on_commit(**kwargs) -> None:
    """Signal receiver: clear public pages once the change that fired it is committed."""
    transaction.on_commit(clear_public_pages)
