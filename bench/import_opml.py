"""Benchmark: import OPML files of 1,000 and 10,000 feeds, and show how the time scales.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/news_bench SECRET_KEY=x \\
        .venv/bin/python bench/import_opml.py [--sizes 1000 10000]

Creates a throw-away test database next to the one in DATABASE_URL (``test_<name>``, as the
test runner does), migrates it, and drops it at the end. Each feed is on its own site, so
each import also creates as many outlets: the case that used to take quadratic time. Prints
the seconds to read and to import each file, and the ratio of each size's time to the
smallest's: about the ratio of the sizes when the import takes linear time.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from sources.models import Feed, Outlet  # noqa: E402
from sources.opml import import_feeds, read_opml  # noqa: E402


def generate_opml(count: int) -> bytes:
    """An OPML file of ``count`` feeds, each of its own site, as a feed reader exports it."""
    outlines = "".join(
        f'<outline type="rss" text="Site {n}" title="Site {n}" '
        f'xmlUrl="https://site{n}.example/feed.xml" htmlUrl="https://site{n}.example/"/>'
        for n in range(count)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()


def timed_import(count: int) -> tuple[float, float]:
    Feed.objects.all().delete()
    Outlet.objects.all().delete()
    data = generate_opml(count)
    started = time.perf_counter()
    entries = read_opml(data)
    read = time.perf_counter() - started
    started = time.perf_counter()
    report = import_feeds(entries)
    imported = time.perf_counter() - started
    assert len(report.feeds_created) == count, report.skipped[:3]
    assert len(report.outlets_created) == count
    return read, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()

    vendor = connection.vendor
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(OPML_MAX_OUTLINES=max(args.sizes)):
            timings = {count: timed_import(count) for count in args.sizes}
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    smallest = min(args.sizes)
    base = sum(timings[smallest])
    print(f"database: {vendor}; one feed and one new outlet per outline")
    for count, (read, imported) in timings.items():
        total = read + imported
        print(
            f"{count:>7,} outlines: read {read:.2f} s, import {imported:.2f} s, "
            f"total {total:.2f} s; {total / base:.1f}x the time for "
            f"{count / smallest:.0f}x the outlines"
        )


if __name__ == "__main__":
    main()
