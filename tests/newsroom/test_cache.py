"""The public page cache against a real Redis that goes away and comes back.

Each test starts its own throwaway ``redis-server`` (no persistence) on a free port, so the
machine's Redis is never touched; without redis-server the tests are skipped, except under CI.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter

import pytest
import redis
from django.test import override_settings

from briefings import workflow
from briefings.models import Briefing
from tests.factories import BriefingFactory, TopicFactory, add_children, briefing_in_state

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process this test owns: started, stopped, paused and resumed by pid."""

    def __init__(self, binary: str, directory):
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case it was paused
            self.process.terminate()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        """The server keeps its data but answers nobody: a hung or unreachable Redis."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_cache(tmp_path):
    """The site's cache on a throwaway Redis, as CACHE_URL would configure it."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; CI must run the cache outage tests.")
        pytest.skip("redis-server is not installed (apt-get install redis-server).")
    server = RedisServer(binary, tmp_path)
    server.start()
    caches = {
        "default": {
            "BACKEND": "newsroom.redis_cache.Cache",  # what settings make of a redis:// URL
            "LOCATION": f"redis://127.0.0.1:{server.port}/13",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        with override_settings(CACHES=caches):
            yield server
    finally:
        server.stop()


def published(**kwargs) -> Briefing:
    briefing = add_children(BriefingFactory(**kwargs))
    workflow.make_live(briefing)
    return briefing


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "newsroom.cache"]


def test_public_pages_are_served_uncached_while_redis_is_down(client, redis_cache, caplog):
    briefing = published(headline="Before the outage")
    urls = ["/", briefing.get_absolute_url(), "/feed/", "/sitemap.xml", "/standards/"]
    for url in urls:
        client.get(url)  # cached while Redis is up
    redis_cache.stop()
    published(headline="During the outage")

    for url in urls:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
            response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert [r.levelno for r in cache_warnings(caplog)] == [logging.WARNING], url
    assert "During the outage" in client.get("/").text  # rendered now, not from a cache


def test_publishing_while_redis_is_down_publishes_and_logs_the_missed_clear(
    redis_cache, writer, editor, caplog, django_capture_on_commit_callbacks
):
    briefing = briefing_in_state("in_review", writer, editor)
    redis_cache.stop()
    with (
        caplog.at_level(logging.WARNING, logger="newsroom.cache"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert [r.levelno for r in cache_warnings(caplog)] == [logging.WARNING]
    assert "clear" in cache_warnings(caplog)[0].getMessage()


def test_a_clear_missed_while_redis_was_unreachable_is_made_when_it_answers_again(
    client, redis_cache, writer, editor, django_capture_on_commit_callbacks
):
    briefing = briefing_in_state("in_review", writer, editor)
    assert briefing.headline not in client.get("/").text  # cached without the briefing
    redis_cache.pause()  # Redis keeps the cached page, but this process cannot reach it
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.publish(editor, briefing)
    finally:
        redis_cache.resume()
    assert briefing.headline in client.get("/").text


def test_pages_are_cached_again_once_redis_is_back(client, redis_cache, django_assert_num_queries):
    published(headline="Steady story")
    redis_cache.stop()
    client.get("/")
    redis_cache.start()
    assert "Steady story" in client.get("/").text
    with django_assert_num_queries(0):
        assert "Steady story" in client.get("/").text


def test_a_lost_generation_number_does_not_bring_back_pages_cached_before_it(
    client, redis_cache, django_capture_on_commit_callbacks
):
    """Redis may evict the generation key (it has no expiry, but a full Redis under an LRU
    policy evicts anything) or lose it to a FLUSHDB of that key; pages cached under an
    earlier generation must not come back with it."""
    from django.core.cache import cache

    from newsroom.cache import GENERATION_KEY

    client.get("/")  # cached, with no briefing yet
    with django_capture_on_commit_callbacks(execute=True):
        briefing = published(headline="After the first page was cached")
    assert briefing.headline in client.get("/").text
    cache.delete(GENERATION_KEY)
    assert briefing.headline in client.get("/").text


def redis_commands(client: redis.Redis) -> Counter:
    """How many commands of each kind the server has run (not counting INFO itself)."""
    stats = client.info("commandstats")
    return Counter({name: stat["calls"] for name, stat in stats.items() if name != "cmdstat_info"})


def test_a_cached_page_costs_one_round_trip_to_redis(client, redis_cache):
    """The generation and the page come back together (one MGET), not one after the other."""
    briefing = published(headline="One trip")
    client.get(briefing.get_absolute_url())  # rendered and cached
    counter = redis.Redis(port=redis_cache.port)  # one connection: its handshake is done
    try:
        before = redis_commands(counter)
        assert "One trip" in client.get(briefing.get_absolute_url()).text
        assert redis_commands(counter) - before == Counter(cmdstat_mget=1)
    finally:
        counter.close()


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/topics/cities/feed/", "/"])
def test_pages_are_sent_as_one_body_rendered_or_from_the_cache(client, url):
    """A feed is written in hundreds of pieces; sent as they are, each is a write to the
    socket (the response is what the WSGI server iterates over). Rendered or from the cache,
    a page is one piece."""
    for n in range(3):
        published(headline=f"Piece {n}", topic=TopicFactory(slug="cities"))
    for attempt in ("rendered", "from the cache"):
        response = client.get(url)
        assert response.status_code == 200
        assert len(list(response)) == 1, attempt


def test_a_readers_page_comes_from_the_cache_before_the_rest_of_the_middleware(
    client, redis_cache, django_assert_num_queries
):
    """PageCacheMiddleware answers a reader (no session cookie) before sessions, users and
    CSRF: the cached page carries every header the rendered one had, and no SQL is run."""
    briefing = published(headline="Early answer")
    rendered = client.get(briefing.get_absolute_url())
    with django_assert_num_queries(0):
        cached = client.get(briefing.get_absolute_url())

    assert hasattr(rendered.wsgi_request, "user")  # went through the whole middleware
    assert not hasattr(cached.wsgi_request, "user")  # answered before the authentication's
    assert cached.content == rendered.content
    assert dict(cached.items()) == dict(rendered.items())
    assert {"Vary", "X-Frame-Options", "Content-Security-Policy"} <= set(cached.headers)


def test_with_a_session_cookie_the_page_is_looked_up_by_the_view(client, redis_cache):
    """A stale or anonymous session cookie: the middleware leaves it alone (a session may be
    someone logged in), and the view's own look-up serves anonymous readers from the cache."""
    briefing = published(headline="Cookie jar")
    client.get(briefing.get_absolute_url())
    client.cookies["sessionid"] = "no-such-session"
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 200 and "Cookie jar" in response.text
    assert hasattr(response.wsgi_request, "user")


def test_other_pages_cost_no_round_trip_to_redis(client, redis_cache):
    """Only addresses of public pages are looked up before the view: the log-in page, a
    missing page and the API (whose rate limit runs before its own cache) are not."""
    published(headline="Elsewhere")
    client.get("/api/v1/briefings")
    counter = redis.Redis(port=redis_cache.port)
    try:
        before = redis_commands(counter)
        client.get("/admin/login/")
        client.get("/no/such/page/")
        assert redis_commands(counter) - before == Counter()
        api = client.get("/api/v1/briefings")
        assert api.status_code == 200 and hasattr(api.wsgi_request, "user")
    finally:
        counter.close()


def test_a_host_not_allowed_is_refused_before_the_cache_answers(client, redis_cache):
    briefing = published(headline="Right host")
    assert client.get(briefing.get_absolute_url()).status_code == 200  # now cached
    response = client.get(briefing.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"Right host" not in response.content
