"""Rendering: the richest demo briefing's page against a bare Django view sending the same bytes.

    .venv/bin/python bench/render.py [--rounds 10] [--seconds 3]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_render] [--ports 8141,8142,8143]

Creates the database named in --database-url (it refuses one that exists, and drops it at the
end), migrates it, loads the demo newsroom and starts its own Redis (on a free port and on a
Unix socket) and three gunicorn instances (2 sync workers each, production settings, DEBUG
off): one with no cache (every request renders the page: ``CACHE_URL=dummycache://``), one
with the production cache (Redis over TCP, as when it runs on another machine) and one with
the same Redis through its Unix socket (as when it runs beside the web server). All also serve
``/bench/bare/``, a view that returns the page's bytes and does nothing else, behind the same
middleware.

With ``--instances N`` (N > 1), each set-up is N gunicorn instances behind one nginx (round
robin; the way a newsroom outgrowing one instance runs, sharing PostgreSQL and Redis), and
every rate, the bare view's too, is measured through nginx.

Each round runs ``wrk -t2 -c8`` for --seconds on the bare view, on the bare view after the
page's first query only (``/bench/one-query/<slug>/``, on the uncached set-up: the floor of
any page read from the database per request), then the page from each set-up, one after the
other, and takes each page's rate as a ratio to the bare view's in that
round: the machine is shared and noisy, so only figures measured side by side are compared.
It prints the median and range of the ratios, and the queries the uncached page runs. Exits 1
when a median is under its target (uncached 0.25, cached over TCP 0.70) or the page runs more
than 6 queries.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load import (
    ROOT,
    VENV_BIN,
    create_database,
    drop_database,
    fetch,
    free_port,
    load_demo,
    port_is_free,
    server_environment,
    start_redis,
    stop,
    wait_until_serving,
)

# Each set-up is its own gunicorn instance(s): no cache (every request renders), the production
# cache (Redis over TCP, as when it runs on another machine), and the same Redis through its
# Unix socket (as when it runs beside the web server).
SETUPS = ("uncached", "cached", "cached-socket")
TARGETS = {"uncached": 0.25, "cached": 0.70}
MAX_QUERIES = 6
BARE_PATH = "/bench/bare/"
# A reference, not a set-up: the bare view after the page's first query (the briefing by slug,
# with its live revision) and nothing else, on the uncached set-up: the floor of a page that
# reads the database per request.
ONE_QUERY = "one query only"


def start_gunicorn(port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "bare_urls:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "30"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": f"{Path(__file__).parent}:{ROOT}"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


NGINX_CONFIG = """
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    {servers}
}}
"""
NGINX_SERVER = """
    upstream set{port} {{ {upstreams} keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://set{port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
"""


def start_nginx(workdir: Path, front: dict[int, list[int]]) -> subprocess.Popen:
    """nginx on each port of ``front``, round robin over the instances' ports it lists."""
    servers = "".join(
        NGINX_SERVER.format(port=port, upstreams=" ".join(f"server 127.0.0.1:{p};" for p in back))
        for port, back in front.items()
    )
    (workdir / "nginx.conf").write_text(NGINX_CONFIG.format(workdir=workdir, servers=servers))
    return subprocess.Popen(
        ["nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
        stdout=(workdir / "nginx.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wrk(port: int, path: str, seconds: float) -> float:
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        sys.exit(f"wrk saw errors on {path}:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def richest_briefing(env: dict) -> tuple[str, int]:
    """The published demo briefing with the most text, and how many queries its page runs."""
    import django

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from briefings.models import Briefing

    briefings = Briefing.objects.published().select_related("live_revision")
    briefing = max(briefings, key=lambda b: len(str(b.live_revision.data)))
    path = briefing.get_absolute_url()
    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)  # the first request of a process loads templates and such
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    connection.close()
    return path, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_render")
    parser.add_argument("--ports", default="8141,8142,8143", help="one port per set-up")
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances per set-up")
    args = parser.parse_args()
    if not shutil.which("wrk") or (args.instances > 1 and not shutil.which("nginx")):
        sys.exit("The bench needs wrk, and nginx for --instances (apt-get install wrk nginx).")
    ports = [int(port) for port in args.ports.split(",")]
    if len(ports) != len(SETUPS):
        sys.exit(f"--ports takes {len(SETUPS)} ports, one for each set-up: {', '.join(SETUPS)}.")
    # Behind nginx, each set-up's instances listen on ports counted up from the set-up's + 100.
    backs = {
        port: [port + 100 + 10 * n for n in range(args.instances)] if args.instances > 1 else []
        for port in ports
    }
    every = ports + [back for group in backs.values() for back in group]
    if busy := [port for port in every if not port_is_free(port)]:
        sys.exit(f"Port {busy[0]} is in use; choose others with --ports.")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-render-"))
    redis_port = free_port()
    redis_socket = workdir / "redis.sock"
    cache_urls = {
        "uncached": "dummycache://",
        "cached": f"redis://127.0.0.1:{redis_port}/0",
        "cached-socket": f"redis://{redis_socket}",  # django-environ: unix://<path>
    }
    env = server_environment(args.database_url, "dummycache://", workdir)
    create_database(args.database_url)
    redis, servers, passed = None, [], False
    try:
        redis = start_redis(redis_port, workdir / "redis.log", redis_socket)
        load_demo(env)
        path, queries = richest_briefing(env)

        # Every process sends the page's own bytes from the bare view.
        body = workdir / "page.html"
        status, html = fetch_direct(env, path)
        body.write_text(html, encoding="utf-8")
        env["BENCH_BARE_BODY"] = str(body)
        setups = dict(zip(SETUPS, ports, strict=True))
        for name, port in setups.items():
            for instance in backs[port] or [port]:
                log = workdir / f"gunicorn-{instance}.log"
                server = start_gunicorn(instance, {**env, "CACHE_URL": cache_urls[name]}, log)
                servers.append(server)
                wait_until_serving(server, instance)
        if args.instances > 1:
            servers.append(start_nginx(workdir, backs))
            time.sleep(1)
        for port in ports:
            assert fetch(port, BARE_PATH) == (200, html), "the bare view sends other bytes"
            assert fetch(port, path) == (200, html), "a set-up sends another page"

        one_query = f"/bench/one-query/{path.strip('/').split('/')[-1]}/"
        assert fetch(setups["uncached"], one_query) == (200, html)
        rates = {name: [] for name in ("bare", ONE_QUERY, *SETUPS)}
        ratios = {name: [] for name in (ONE_QUERY, *SETUPS)}
        for _ in range(args.rounds):
            bare = wrk(setups["uncached"], BARE_PATH, args.seconds)
            rates["bare"].append(bare)
            rate = wrk(setups["uncached"], one_query, args.seconds)
            rates[ONE_QUERY].append(rate)
            ratios[ONE_QUERY].append(rate / bare)
            for name, port in setups.items():
                rate = wrk(port, path, args.seconds)
                rates[name].append(rate)
                ratios[name].append(rate / bare)

        print(f"Page: {path} ({len(html.encode()):,} bytes), {queries} queries uncached")
        setup = (
            f"{args.instances} gunicorn instances behind nginx"
            if args.instances > 1
            else "gunicorn"
        )
        print(
            f"{args.rounds} rounds of wrk -t2 -c8 -d{args.seconds}s; {setup}, 2 sync workers each"
        )
        print(f"{'':15} {'median req/s':>13} {'ratio to bare (median, range)':>32} {'target':>7}")
        for name, rate in rates.items():
            line = f"{name:15} {statistics.median(rate):13.0f}"
            if name in ratios:
                r = ratios[name]
                line += f" {statistics.median(r):14.3f} ({min(r):.3f}–{max(r):.3f})"
                line += f"{'':8} ≥ {TARGETS[name]:.2f}" if name in TARGETS else ""
            print(line)
        passed = queries <= MAX_QUERIES and all(
            statistics.median(ratios[name]) >= target for name, target in TARGETS.items()
        )
        print("PASS" if passed else "FAIL")
    finally:
        for server in servers:
            stop(server)
        stop(redis)
        drop_database(args.database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if passed else 1)


def fetch_direct(env: dict, path: str) -> tuple[int, str]:
    """The page as an anonymous reader gets it, rendered in this process."""
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get(path)
    return response.status_code, response.content.decode()


if __name__ == "__main__":
    main()
