"""Public pages written as files, for the front server to send without Python.

With ``PUBLIC_PAGES_ROOT`` set, the anonymous HTML of a public page (a view wrapped in
``newsroom.cache.public_page``) is written to ``ROOT/<generation>/<path>/index.html`` when
Django renders it, and ``ROOT/current`` is a symlink to the generation readers are served
from. nginx tries ``ROOT/current$uri/index.html`` for anonymous GETs and asks Django
otherwise (docs/operations.md, "Pages written at publication").

Anything that changes what readers see calls ``advance`` (through
``newsroom.cache.clear_public_pages``, after the change is committed): a new, empty
generation becomes current with one atomic rename of the symlink, the pages registered with
``on_advance`` (the home page, the changed briefing's pages…) are rendered into it at once,
and the rest are written as readers ask for them.

No reader is served a page older than the last change: a render writes into the generation
that was current *before* it started, so a render that began before a change lands in a
generation nginx no longer serves. Files are written whole (a temporary file, then a rename).
Every instance must see the same ROOT (one directory, or one shared mount): the symlink is
the generation they all share. Writing is an optimisation only: when the directory cannot be
written, the failure is logged and Django serves the page.
"""

import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.http.request import validate_host

logger = logging.getLogger(__name__)

CURRENT = "current"
PAGE_FILE = "index.html"
# Generations kept besides the current one, for renders and reads still under way in them.
KEEP_PREVIOUS = 1
MAX_PATH_LENGTH = 512

# Callables returning the paths to render when a new generation starts (see on_advance).
_eager_sources: list[Callable[[], Iterable[str]]] = []
_handler: BaseHandler | None = None


def root() -> Path | None:
    value = settings.PUBLIC_PAGES_ROOT
    return Path(value) if value else None


def on_advance(source: Callable[[], Iterable[str]]) -> None:
    """Render the paths ``source()`` returns into each new generation as it starts."""
    if source not in _eager_sources:
        _eager_sources.append(source)


def generation() -> str | None:
    """The generation readers are served from now (the directory ``current`` points to);
    None when pages are not written. Read it before rendering, and write into it."""
    base = root()
    if base is None:
        return None
    try:
        return os.readlink(base / CURRENT)
    except FileNotFoundError:
        return _start_generation(base)
    except OSError as error:
        logger.warning("Cannot read the public pages' generation: %s", error)
        return None


def _start_generation(base: Path) -> str | None:
    """Make a new, empty generation the current one and return its name."""
    name = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
    try:
        base.mkdir(parents=True, exist_ok=True)
        (base / name).mkdir(mode=0o755)
        link = base / f".{CURRENT}-{name}"
        os.symlink(name, link)  # relative: each instance may mount the root elsewhere
        os.replace(link, base / CURRENT)
    except OSError as error:
        logger.warning("Cannot start a generation of public pages in %s: %s", base, error)
        return None
    return name


def _file_for(base: Path, name: str, path: str) -> Path | None:
    """Where the page at ``path`` goes in generation ``name``, or None for a path that has
    no such file (no trailing slash, dot segments, too long)."""
    if not path.startswith("/") or not path.endswith("/") or len(path) > MAX_PATH_LENGTH:
        return None
    parts = path[1:-1].split("/") if path != "/" else []
    if any(part in {"", ".", ".."} or "\\" in part or "\0" in part for part in parts):
        return None
    return base.joinpath(name, *parts, PAGE_FILE)


def writable(request, response) -> bool:
    """Whether this response is the page every anonymous reader of this address gets."""
    content_type = response.get("Content-Type", "")
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and not request.user.is_authenticated
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and response.status_code == 200
        and content_type.startswith("text/html")
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def write(request, response, name: str | None) -> bool:
    """Write ``response`` as the page at ``request.path`` in generation ``name`` (read before
    the response was rendered); True when written. A generation that has been removed
    meanwhile is left removed."""
    base = root()
    if base is None or name is None or not writable(request, response):
        return False
    target = _file_for(base, name, request.path)
    if target is None or not (base / name).is_dir():
        return False
    temporary = target.with_name(f".{PAGE_FILE}.{secrets.token_hex(8)}.tmp")
    try:
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "wb") as file:
            file.write(response.content)
        os.replace(temporary, target)
    except OSError as error:
        logger.warning("Cannot write the public page %s: %s", request.path, error)
        temporary.unlink(missing_ok=True)
        return False
    return True


def render(view, request, *args, **kwargs):
    """Run ``view`` and write its page into the generation that was current before it ran."""
    uncached = request.method != "GET" or request.META.get("QUERY_STRING")
    name = None if uncached else generation()
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response = response.render()
    if name is not None:
        write(request, response, name)
    return response


def advance() -> None:
    """Serve readers from a new, empty generation (call it after the change is committed),
    fill it with the pages registered with ``on_advance``, and remove old generations."""
    base = root()
    if base is None:
        return
    if _start_generation(base) is None:
        return
    _remove_old_generations(base)
    paths = {}
    for source in _eager_sources:
        try:
            paths.update(dict.fromkeys(source()))
        except Exception:  # the change is committed: never fail the request that made it
            logger.exception("Could not list the public pages to write")
    for path in paths:
        render_path(path)


def render_path(path: str) -> None:
    """Request ``path`` as an anonymous reader through the whole site (middleware, URL
    resolver, view); a public page is written on the way. Never raises."""
    global _handler
    try:
        if _handler is None:
            handler = BaseHandler()
            handler.load_middleware()
            _handler = handler
        response = _handler.get_response(_anonymous_request(path))
        if response.status_code != 200:
            logger.info("Public page %s not written: %s", path, response.status_code)
    except Exception:
        logger.exception("Could not render the public page %s", path)


def _anonymous_request(path: str):
    """A GET of ``path`` from a reader without cookies, at the site's own address (or, if
    ALLOWED_HOSTS does not name it, the first host it names: pages do not depend on it)."""
    from django.test import RequestFactory  # Django's own request builder; tests not needed

    site = urlsplit(settings.SITE_URL)
    secure = site.scheme == "https"
    host = site.netloc
    if not validate_host(site.hostname or "", settings.ALLOWED_HOSTS):
        host = next((h for h in settings.ALLOWED_HOSTS if h[:1] not in {".", "*"}), host)
    extra = {"HTTP_HOST": host}
    if settings.SECURE_PROXY_SSL_HEADER:
        extra[settings.SECURE_PROXY_SSL_HEADER[0]] = "https" if secure else "http"
    return RequestFactory().get(path, secure=secure, **extra)


def _remove_old_generations(base: Path) -> None:
    """Keep the current generation and the newest KEEP_PREVIOUS others; remove the rest."""
    try:
        current = os.readlink(base / CURRENT)
        names = sorted(
            (entry.name for entry in os.scandir(base) if entry.is_dir(follow_symlinks=False)),
            reverse=True,
        )
    except OSError as error:
        logger.warning("Cannot list the generations of public pages: %s", error)
        return
    old = [name for name in names if name != current and not name.startswith(".")]
    for name in old[KEEP_PREVIOUS:]:
        shutil.rmtree(base / name, ignore_errors=True)
    # Temporary symlinks left by a process that stopped half-way.
    for entry in os.scandir(base):
        if entry.name.startswith(f".{CURRENT}-") and entry.is_symlink():
            try:
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > 60:
                    os.unlink(entry.path)
            except OSError:
                pass
