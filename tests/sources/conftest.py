"""A real HTTP server on 127.0.0.1 serving fixture feeds, and settings for talking to it.

Nothing in our HTTP client is mocked: the server answers with real status codes, headers,
redirects, gzip, slow and oversized bodies, as publishers' servers do.
"""

import gzip
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

FIXTURES = Path(__file__).parent / "fixtures"
LAST_MODIFIED = "Tue, 10 Jun 2025 08:00:00 GMT"
CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml",
}


def rss_document(count: int, prefix: str = "item", host: str = "gen.example") -> bytes:
    """An RSS 2.0 feed of ``count`` invented items, newest first."""
    items = "".join(
        f"<item><title>{prefix} story {n}</title>"
        f"<link>https://{host}/{prefix}/{n}?utm_source=rss</link>"
        f'<guid isPermaLink="false">{prefix}-{n}</guid>'
        f"<pubDate>Tue, 10 Jun 2025 {n % 24:02d}:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;Summary of {prefix} story {n}.&lt;/p&gt;</description></item>"
        for n in range(count, 0, -1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Generated {prefix}</title><link>https://{host}/</link>"
        f"<description>Generated.</description>{items}</channel></rss>"
    ).encode()


def run_queued_tasks() -> None:
    """Run the queued tasks as the worker (``manage.py db_worker``) runs each one.

    The worker's own loop closes database connections between tasks, which only tests with
    real transactions survive (see test_tasks.py); this runs them inside the test's.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for task_result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "FeedServer"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append((urlsplit(self.path).path, dict(self.headers)))
        path = urlsplit(self.path).path
        if path in self.server.routes:
            return self.server.routes[path](self)
        for prefix, method in ROUTES:
            if path.startswith(prefix):
                return method(self, path.removeprefix(prefix))
        self.answer(404, b"not found", "text/plain")

    def answer(self, status, body=b"", content_type="text/plain", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def serve_document(self, body: bytes, content_type: str) -> None:
        """A feed with validators: a matching If-None-Match gets 304 and no body."""
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == etag:
            return self.answer(304, headers=validators)
        self.answer(200, body, content_type, validators)

    def feeds(self, name):
        path = FIXTURES / name
        if not path.is_file():
            return self.answer(404)
        self.serve_document(path.read_bytes(), CONTENT_TYPES.get(path.suffix, "text/plain"))

    def gzipped(self, name):
        body = (FIXTURES / name).read_bytes()
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return self.answer(406)
        self.answer(200, gzip.compress(body), CONTENT_TYPES[".xml"], {"Content-Encoding": "gzip"})

    def status(self, code):
        headers = {"Retry-After": "7200"} if code == "503" else {}
        self.answer(int(code), b"<html><body>Server error</body></html>", "text/html", headers)

    def redirect(self, rest):
        code, target = rest.split("/", 1)
        self.answer(int(code), headers={"Location": "/" + target})

    def generated(self, count):
        self.serve_document(rss_document(int(count)), CONTENT_TYPES[".xml"])

    def special(self, name):
        getattr(self, f"special_{name.replace('-', '_')}")()

    def special_slow(self):
        time.sleep(3)
        self.answer(200, rss_document(1), CONTENT_TYPES[".xml"])

    def special_drip(self):
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[".xml"])
        self.send_header("Connection", "close")
        self.end_headers()
        for byte in rss_document(1)[:40]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def drip(self, head: bytes, byte: bytes, seconds: float = 8.0) -> None:
        """Send ``head``, then ``byte`` every half second (well within any read timeout the
        tests set) for ``seconds``: each read gets something, the answer never completes."""
        self.wfile.write(head)
        for _ in range(int(seconds / 0.5)):
            time.sleep(0.5)
            self.wfile.write(byte)

    def special_drip_status_line(self):
        self.drip(b"HTTP/1.1 200", b" ")

    def special_drip_headers(self):
        self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nX-Slow: ", b"z")

    def special_drip_chunk_size(self):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
        self.drip(head + b"5\r\n<rss>\r\n", b"0")

    def special_large_headers(self):
        headers = {f"X-Padding-{n}": "x" * 1000 for n in range(40)}
        self.answer(200, rss_document(1), CONTENT_TYPES[".xml"], headers)

    def special_endless_continue(self):
        """Interim "100 Continue" answers, as fast as the client reads them, for 8 seconds."""
        until = time.monotonic() + 8
        while time.monotonic() < until:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n" * 100)

    def special_large(self):
        self.answer(200, rss_document(2000), CONTENT_TYPES[".xml"])

    def special_large_unannounced(self):
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[".xml"])
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(rss_document(2000))

    def special_gzip_bomb(self):
        self.answer(
            200,
            gzip.compress(b"<rss>" + b" " * 5_000_000),
            CONTENT_TYPES[".xml"],
            {"Content-Encoding": "gzip"},
        )

    def special_to_private(self):
        self.answer(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    def special_to_file(self):
        self.answer(301, headers={"Location": "file:///etc/passwd"})

    def special_loop(self):
        self.answer(302, headers={"Location": "/special/loop"})


ROUTES = [
    ("/feeds/", Handler.feeds),
    ("/gzip/", Handler.gzipped),
    ("/status/", Handler.status),
    ("/redirect/", Handler.redirect),
    ("/generated/", Handler.generated),
    ("/special/", Handler.special),
]


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, dict]] = []
        self.routes: dict = {}

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def handle_error(self, request, client_address):
        """Clients that give up (timeouts, size limits) close the connection: expected here."""

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)

    def serve(self, path: str, body: bytes, content_type: str = CONTENT_TYPES[".xml"]) -> str:
        """Serve ``body`` at ``path`` (with an ETag) for this test; returns the URL."""
        self.routes[path] = lambda handler: handler.serve_document(body, content_type)
        return self.url(path)


@pytest.fixture(scope="session")
def _running_feed_server():
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def feed_server(_running_feed_server):
    _running_feed_server.requests.clear()
    _running_feed_server.routes.clear()
    return _running_feed_server


@pytest.fixture(autouse=True)
def _feed_settings(settings, _running_feed_server):
    """Fetch from the local test server, with short time limits so failures come quickly."""
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True
    settings.FEEDS_ALLOWED_PORTS = [80, 443, _running_feed_server.server_port]
    settings.FEEDS_ALLOWED_PRIVATE_NETWORKS = []
    settings.FEEDS_CONNECT_TIMEOUT = 1.0
    settings.FEEDS_READ_TIMEOUT = 1.0
    settings.FEEDS_TOTAL_TIMEOUT = 5.0
    settings.FEEDS_MAX_BYTES = 100_000
    settings.FEEDS_MAX_REDIRECTS = 3
    settings.SITE_URL = "https://news.example.org"
