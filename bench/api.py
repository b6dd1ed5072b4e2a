"""Throughput of the content API beside the HTML pages it mirrors, and each one's queries.

    .venv/bin/python bench/api.py [--rounds 3] [--seconds 3] [--briefings 40] [--port 8240]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_api]

Creates the database named in --database-url (it refuses one that exists, and drops it at the
end), migrates it, loads the demo newsroom and --briefings more briefings published through
the workflow, starts its own Redis on a free port and one gunicorn (2 sync workers) with
production settings (helpers from bench/load.py). Then, in interleaved rounds, `wrk -t2 -c8`
loads for --seconds each: the home page and the API's first page of briefings (20 items, like
the home page's 12 cards and lead, both listings), a briefing's page and its API detail, each
as cached (the plain address, served by the page cache) and uncached (a query string the page
cache does not keep: the view runs every time). Ratios are API / HTML within one round, so
whatever else the machine does weighs on both sides alike; the medians are printed last.

The query count of each address (uncached) is counted in this process on the same database,
and the API list's at limit 5 and 50, which must be the same.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402 (the bench folder is not a package)
    ROOT,
    create_briefings,
    create_database,
    drop_database,
    free_port,
    load_demo,
    port_is_free,
    server_environment,
    slug,
    start_gunicorn,
    start_redis,
    stop,
    wait_until_serving,
)

# (label, HTML address, API address): each pair is measured side by side.
PAIRS = [
    ("listing, cached", "/", "/api/v1/briefings"),
    ("listing, uncached", "/?fresh=1", "/api/v1/briefings?limit=20"),
    ("briefing, cached", "/briefings/{slug}/", "/api/v1/briefings/{slug}"),
    ("briefing, uncached", "/briefings/{slug}/?fresh=1", "/api/v1/briefings/{slug}?fresh=1"),
]
RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


def throughput(port: int, path: str, seconds: int) -> float:
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in done.stdout:
        sys.exit(f"{path} answered other than 2xx under load:\n{done.stdout}")
    return float(RATE.search(done.stdout).group(1))


def query_counts(paths: list[str]) -> dict[str, int]:
    """Queries each address runs, fetched in this process (anonymous, as wrk is)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as context:
            status = client.get(path).status_code
        if status != 200:
            sys.exit(f"{path} answered {status}.")
        counts[path] = len(context.captured_queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--briefings", type=int, default=40)
    parser.add_argument("--port", type=int, default=8240)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_api")
    args = parser.parse_args()
    if not port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use; choose another with --port.")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-api-bench-"))
    redis_port = free_port()
    cache_url = f"redis://127.0.0.1:{redis_port}/0?socket_connect_timeout=1&socket_timeout=1"
    env = {
        **server_environment(args.database_url, cache_url, workdir),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "API_RATE_LIMIT": "0",  # one client, thousands of requests a second
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    create_database(args.database_url)
    redis = server = None
    try:
        redis = start_redis(redis_port, workdir / "redis.log")
        load_demo(env)

        import django

        django.setup()
        from briefings import workflow
        from briefings.models import Briefing

        create_briefings(args.briefings)
        # A public record to show: a correction on every bench briefing.
        from django.contrib.auth import get_user_model

        editor = get_user_model().objects.get(username="editor")
        for briefing in Briefing.objects.filter(slug__startswith="load-briefing-"):
            workflow.add_correction(editor, briefing, "correction", "<p>A date was wrong.</p>")
        target = slug(args.briefings // 2)
        pairs = [
            (label, html.format(slug=target), api.format(slug=target)) for label, html, api in PAIRS
        ]

        counts = query_counts(
            [path for _, html, api in pairs if "fresh" in html for path in (html, api)]
            + ["/api/v1/briefings?limit=5", "/api/v1/briefings?limit=50"]
        )
        from django.db import connections

        connections.close_all()

        server = start_gunicorn(args.port, env, workdir / "gunicorn.log")
        wait_until_serving(server, args.port)
        for _, html, api in pairs:  # warm the cache and the workers
            throughput(args.port, html, 1)
            throughput(args.port, api, 1)

        ratios: dict[str, list[float]] = {label: [] for label, _, _ in pairs}
        rates: dict[str, list[float]] = {}
        for n in range(1, args.rounds + 1):
            print(f"Round {n}")
            for label, html, api in pairs:
                html_rate = throughput(args.port, html, args.seconds)
                api_rate = throughput(args.port, api, args.seconds)
                rates.setdefault(html, []).append(html_rate)
                rates.setdefault(api, []).append(api_rate)
                ratios[label].append(api_rate / html_rate)
                print(
                    f"  {label:20} HTML {html_rate:8.1f} req/s   API {api_rate:8.1f} req/s"
                    f"   API/HTML {api_rate / html_rate:5.2f}"
                )

        print(f"\nMedians over {args.rounds} rounds (wrk -t2 -c8 -d{args.seconds}s):")
        print(f"  {'address':48} {'req/s':>8} {'queries':>8}")
        for _, html, api in pairs:
            for path in (html, api):
                queries = counts.get(path, "cached")
                print(f"  {path:48} {statistics.median(rates[path]):8.1f} {queries:>8}")
        print("\nAPI / HTML, median of the rounds' ratios:")
        for label, values in ratios.items():
            print(f"  {label:20} {statistics.median(values):5.2f}")
        small, large = counts["/api/v1/briefings?limit=5"], counts["/api/v1/briefings?limit=50"]
        print(f"\nAPI list queries: limit=5 → {small}, limit=50 → {large}")
        if small != large:
            sys.exit("The API list's queries grow with the page size.")
    finally:
        stop(server)
        stop(redis)
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
