"""Whole-page caching of public pages for anonymous readers.

Every cached page's key carries a generation number; anything that changes what readers
see (publishing, withdrawing, a correction, the standards page) bumps the generation,
which clears all public pages at once without having to know their addresses.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "public-pages:generation"


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def clear_public_pages() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def public_page(view):
    """Serve anonymous GET requests of ``view`` from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-pages:{_generation()}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if response.status_code in {200, 404, 410}:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
