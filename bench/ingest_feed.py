"""Benchmark: ingest a generated 5,000-item RSS feed from a local HTTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/news_bench SECRET_KEY=x \\
        .venv/bin/python bench/ingest_feed.py [--items 5000] [--rounds 3] [--port 8150]

Creates a throw-away test database next to the one in DATABASE_URL (``test_<name>``, as the
test runner does), migrates it, and drops it at the end. Prints, as the median of the rounds:
items stored per second on the first poll, the SQL queries of one poll, the time of a second
poll of the unchanged feed (a 304), and of a poll that finds 50 new items among the old.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from sources.models import Feed, Outlet, SourceItem  # noqa: E402
from sources.parse import parse_feed  # noqa: E402
from sources.polling import poll_feed  # noqa: E402

WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "bridge",
    "school",
    "tram",
    "orchard",
    "library",
    "river",
    "data",
    "hearing",
    "permit",
    "station",
    "festival",
    "survey",
    "district",
    "water",
    "energy",
    "housing",
    "market",
    "weather",
]


def generate_feed(count: int, first: int = 1) -> bytes:
    """An RSS 2.0 feed of ``count`` invented items of realistic size, newest first."""
    items = []
    for n in range(first + count - 1, first - 1, -1):
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(9))
        summary = f"&lt;p&gt;{words.capitalize()}. " + f"{words} and more. " * 12 + "&lt;/p&gt;"
        items.append(
            f"<item><title>Story {n}: {words}</title>"
            f"<link>https://bench.example/stories/{n}?utm_source=rss</link>"
            f'<guid isPermaLink="false">bench-{n}</guid>'
            f"<pubDate>Tue, 10 Jun 2025 {n % 24:02d}:{n % 60:02d}:00 +0200</pubDate>"
            f"<author>desk@bench.example (Bench Desk)</author>"
            f"<description>{summary}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Bench Gazette</title><link>https://bench.example/</link>"
        "<description>Generated for the benchmark.</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    body = b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        body = self.server.body
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Connection", "close")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")


def timed_poll(feed: Feed) -> tuple[float, int, object]:
    """Seconds, SQL statements (not counting BEGIN/COMMIT) and the result of one poll."""
    feed.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = poll_feed(feed.pk)
        elapsed = time.perf_counter() - started
    statements = [q for q in queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    return elapsed, len(statements), result


def one_round(server: FeedServer, feed: Feed, items: int) -> dict:
    SourceItem.objects.all().delete()
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="", content_hash="")
    server.body = generate_feed(items)

    first, first_queries, result = timed_poll(feed)
    assert result.new_items == items, result
    second, second_queries, result = timed_poll(feed)
    assert result.outcome == "unchanged", result

    server.body = generate_feed(items + 50)  # 50 new stories on top of the known ones
    third, third_queries, result = timed_poll(feed)
    assert result.new_items == 50, result

    started = time.perf_counter()
    parse_feed(generate_feed(items), "https://bench.example/feed.xml")
    parse = time.perf_counter() - started
    return {
        "first_s": first,
        "first_queries": first_queries,
        "second_ms": second * 1000,
        "second_queries": second_queries,
        "third_ms": third * 1000,
        "third_queries": third_queries,
        "parse_s": parse,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8150, help="local port (8101-8199)")
    args = parser.parse_args()

    vendor = connection.vendor
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = FeedServer(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        local = {"FEEDS_ALLOW_PRIVATE_ADDRESSES": True, "FEEDS_ALLOWED_PORTS": [args.port]}
        with override_settings(**local):
            outlet = Outlet.objects.create(
                name="Bench Gazette", slug="bench-gazette", homepage="https://bench.example/"
            )
            feed = Feed.objects.create(outlet=outlet, url=f"http://127.0.0.1:{args.port}/feed.xml")
            rounds = [one_round(server, feed, args.items) for _ in range(args.rounds)]
    finally:
        server.shutdown()
        server.server_close()
        connection.creation.destroy_test_db(test_db, verbosity=0)

    def median(key):
        return statistics.median(r[key] for r in rounds)

    size = len(generate_feed(args.items))
    print(
        f"database: {vendor}; feed: {args.items:,} items, {size / 1e6:.1f} MB; "
        f"median of {args.rounds} rounds; queries are SQL statements besides BEGIN/COMMIT"
    )
    print(
        f"first poll:  {median('first_s'):.2f} s, {args.items / median('first_s'):,.0f} "
        f"items/s, {median('first_queries'):.0f} queries "
        f"(parsing alone {median('parse_s'):.2f} s)"
    )
    print(
        f"second poll of the unchanged feed (304): {median('second_ms'):.1f} ms, "
        f"{median('second_queries'):.0f} queries"
    )
    print(
        f"poll with 50 new items among {args.items:,} known: {median('third_ms'):.0f} ms, "
        f"{median('third_queries'):.0f} queries"
    )


if __name__ == "__main__":
    main()
