"""Written pages served by nginx against a plain file, and against Django with and without Redis.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 5] [--ports 8230-8236]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_pages]
        [--freshness-seconds 20]

Creates the database named in --database-url (it refuses one that exists, and drops it at the
end), migrates it and loads the demo newsroom; starts its own Redis, two gunicorn instances
with production settings (DEBUG off, 2 sync workers each: one with the Redis cache and
PUBLIC_PAGES_ROOT, one with no cache at all) and nginx with bench/nginx.conf.template. Then,
in interleaved rounds of ``wrk -t2 -c8 -d<seconds>s``, it measures:

- plain file: nginx sending a static file holding the same bytes as the briefing page;
- written page: nginx sending the briefing page from PUBLIC_PAGES_ROOT (the server block of
  docs/operations.md);
- Django + Redis: the same address with a session cookie, so nginx passes it to gunicorn,
  which answers from the Redis page cache;
- Django uncached: the same page from the gunicorn instance without a cache, through nginx;

and prints each as a ratio to the plain file in the same round. Before measuring it checks
that nginx sends the written page with the bytes and headers Django sends for it, that a
correction made through the workflow is on the page nginx sends as soon as the call
returns, and, for --freshness-seconds, that readers hammering nginx never get a page older
than a correction that had returned before their request began. Exits 1 when a check fails,
a request fails, or the written page's median ratio is under 0.50.
"""

import argparse
import http.client
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402  (the load bench's process helpers)
    ROOT,
    create_database,
    drop_database,
    load_demo,
    port_is_free,
    server_environment,
    start_gunicorn,
    start_redis,
    stop,
    wait_until_serving,
)

TEMPLATE = ROOT / "bench" / "nginx.conf.template"
TARGET = 0.50
# Headers nginx sets for any file it sends, and the ones whose values differ by nature.
OWN_HEADERS = {"server", "date", "accept-ranges", "connection"}


def get(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def start_nginx(workdir: Path, ports: dict, pages_root: Path) -> subprocess.Popen:
    config = TEMPLATE.read_text()
    for name, value in {
        "WORKDIR": workdir,
        "PAGES_ROOT": pages_root,
        "PORT": ports["nginx"],
        "PLAIN_PORT": ports["plain"],
        "GUNICORN_PORT": ports["django"],
    }.items():
        config = config.replace(f"@{name}@", str(value))
    # One more server for the bench alone: the gunicorn instance without a cache, proxied.
    uncached = f"""
    server {{
        listen 127.0.0.1:{ports["uncached"]};
        location / {{
            proxy_pass http://127.0.0.1:{ports["django_uncached"]};
            proxy_set_header Host $host;
        }}
    }}
}}
"""
    config = config[: config.rstrip().rfind("}")] + uncached
    (workdir / "nginx.conf").write_text(config)
    process = subprocess.Popen(
        ["nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "stderr"],
        stdout=(workdir / "nginx.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            get(ports["plain"], "/")
            return process
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nginx did not start; see {workdir / 'nginx.log'}")


def wrk(port: int, path: str, seconds: float, headers: dict | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds:g}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    )
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout):
        sys.exit(f"{bad.group(1)} failed requests to {port}{path}:\n{done.stdout}")
    if errors := re.search(r"Socket errors: .*", done.stdout):
        sys.exit(f"{errors.group(0)} on {port}{path}:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def check_page(ports: dict, path: str) -> list[str]:
    """Problems with what nginx sends for ``path`` compared with what Django sends."""
    status, served, body = get(ports["nginx"], path)
    _, django, django_body = get(ports["django_uncached"], path)
    problems = []
    if status != 200 or body != django_body:
        problems.append(f"nginx sent {status} with other bytes than Django for {path}")
    if served.get("Accept-Ranges") != "bytes":
        problems.append(f"nginx did not send {path} from the pages root (no Accept-Ranges)")
    ours = {k.lower(): v for k, v in served.items() if k.lower() not in OWN_HEADERS}
    theirs = {k.lower(): v for k, v in django.items() if k.lower() not in OWN_HEADERS}
    if ours != theirs:
        problems.append(f"headers differ: nginx {ours} / Django {theirs}")
    return problems


def check_correction(ports: dict, slug: str) -> list[str]:
    """Correct the briefing through the workflow; the page nginx sends must have it."""
    from django.contrib.auth import get_user_model

    from briefings import workflow
    from briefings.models import Briefing

    editor = get_user_model().objects.get(username="editor")
    briefing = Briefing.objects.get(slug=slug)
    marker = f"Bench correction {time.time_ns()}."
    workflow.add_correction(editor, briefing, "correction", f"<p>{marker}</p>")
    status, headers, body = get(ports["nginx"], f"/briefings/{slug}/")
    problems = []
    if marker.encode() not in body:
        problems.append("the page nginx sent right after a correction lacks it")
    if headers.get("Accept-Ranges") != "bytes":
        problems.append("the corrected page was not written at publication")
    return problems


def freshness(ports: dict, slug: str, seconds: float, readers: int = 4) -> tuple[list[str], str]:
    """Readers fetch the briefing page and /corrections/ from nginx while this process adds
    corrections through the workflow. A response to a request that began after a correction
    had returned must show it. Returns the problems and a summary."""
    import threading

    from django.contrib.auth import get_user_model
    from django.db import connection

    from briefings import workflow
    from briefings.models import Briefing

    editor = get_user_model().objects.get(username="editor")
    briefing = Briefing.objects.get(slug=slug)
    lock = threading.Lock()
    state = {"latest": None, "stale": 0, "checked": 0, "from files": 0, "failed": 0}
    paths = [f"/briefings/{slug}/", "/corrections/"]
    until = time.monotonic() + seconds

    def read(k: int) -> None:
        for n in itertools.count(k):
            if time.monotonic() > until:
                return
            with lock:
                expected = state["latest"]
            try:
                status, headers, body = get(ports["nginx"], paths[n % 2])
            except OSError:
                status, headers, body = 0, {}, b""
            with lock:
                state["checked"] += 1
                state["from files"] += headers.get("Accept-Ranges") == "bytes"
                state["failed"] += status != 200
                state["stale"] += bool(status == 200 and expected and expected.encode() not in body)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(readers)]
    for thread in threads:
        thread.start()
    took = []
    for n in itertools.count():
        if time.monotonic() > until:
            break
        marker = f"Freshness check {n} {time.time_ns()}."
        started = time.monotonic()
        workflow.add_correction(editor, briefing, "update", f"<p>{marker}</p>")
        took.append(time.monotonic() - started)
        with lock:
            state["latest"] = marker
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    connection.close()
    problems = []
    if state["stale"] or state["failed"]:
        problems.append(f"{state['stale']} stale and {state['failed']} failed pages under changes")
    summary = (
        f"{len(took)} corrections (each {statistics.median(took) * 1000:.0f} ms median, "
        f"writing the changed pages included); {state['checked']} pages read meanwhile, "
        f"{state['from files']} of them written files; failed: {state['failed']}, "
        f"stale: {state['stale']}"
    )
    return problems, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_pages")
    parser.add_argument("--ports", default="8230-8236", help="seven ports, first-last")
    parser.add_argument(
        "--freshness-seconds", type=float, default=20, help="readers against corrections"
    )
    args = parser.parse_args()
    first, last = (int(port) for port in args.ports.split("-"))
    names = ["nginx", "plain", "uncached", "django", "django_uncached", "redis"]
    ports = dict(zip(names, range(first, last + 1), strict=False))
    if len(ports) < len(names) or (busy := [p for p in ports.values() if not port_is_free(p)]):
        sys.exit(f"Need {len(names)} free ports in {args.ports}; busy: {busy}")
    for tool in ("nginx", "wrk", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install nginx wrk redis-server).")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-pages-"))
    workdir.chmod(0o755)  # nginx's workers read the pages root as another user
    for sub in ("plain", "pages"):
        (workdir / sub).mkdir(mode=0o755)
    pages_root = workdir / "pages"
    cache_url = f"redis://127.0.0.1:{ports['redis']}/0?socket_connect_timeout=1&socket_timeout=1"
    env = {**server_environment(args.database_url, cache_url, workdir)}
    env["PUBLIC_PAGES_ROOT"] = str(pages_root)
    uncached_env = {**env, "CACHE_URL": "dummycache://", "PUBLIC_PAGES_ROOT": ""}
    os.environ.update(env)  # this process publishes through the same settings
    sys.path.insert(0, str(ROOT))

    create_database(args.database_url)
    processes, passed = [], False
    try:
        processes.append(start_redis(ports["redis"], workdir / "redis.log"))
        load_demo(env)

        import django

        django.setup()
        from django.db import connection

        from briefings.models import Briefing

        slug = Briefing.objects.published().order_by("-published_at").first().slug
        path = f"/briefings/{slug}/"

        for port, server_env in ((ports["django"], env), (ports["django_uncached"], uncached_env)):
            server = start_gunicorn(port, server_env, workdir / f"gunicorn-{port}.log")
            processes.append(server)
            wait_until_serving(server, port)
        processes.append(start_nginx(workdir, ports, pages_root))

        get(ports["nginx"], path)  # Django renders it and writes it
        problems = check_page(ports, path) + check_correction(ports, slug)
        stale, summary = freshness(ports, slug, args.freshness_seconds)
        problems += stale
        connection.close()
        page = (pages_root / "current" / path.strip("/") / "index.html").read_bytes()
        (workdir / "plain" / "page.html").write_bytes(page)
        (workdir / "plain" / "page.html").chmod(0o644)

        cases = [
            ("written page (nginx, pages root)", ports["nginx"], path, None),
            ("Django + Redis cache (via nginx)", ports["nginx"], path, {"Cookie": "sessionid=x"}),
            ("Django uncached (via nginx)", ports["uncached"], path, None),
        ]
        ratios = {label: [] for label, *_ in cases}
        print(
            f"{path} ({len(page):,} bytes); wrk -t2 -c8 -d{args.seconds:g}s; "
            "gunicorn: 2 sync workers per instance; requests/s, and ratio to the plain file"
        )
        for n in range(1, args.rounds + 1):
            plain = wrk(ports["plain"], "/page.html", args.seconds)
            row = [f"round {n}: plain file {plain:,.0f}/s"]
            for label, port, url, headers in cases:
                rate = wrk(port, url, args.seconds, headers)
                ratios[label].append(rate / plain)
                row.append(f"{label} {rate:,.0f}/s = {rate / plain:.3f}")
            print("  " + "; ".join(row))
        print(f"freshness under changes ({args.freshness_seconds:g} s): {summary}")
        print("median ratio to the plain file:")
        for label, values in ratios.items():
            print(f"  {label:<36} {statistics.median(values):.3f}")
        for problem in problems:
            print(f"  ! {problem}")
        written = statistics.median(ratios[cases[0][0]])
        passed = not problems and written >= TARGET
        print(f"written page ≥ {TARGET:.2f} of the plain file: {'yes' if passed else 'NO'}")
    finally:
        for process in reversed(processes):
            stop(process)
        drop_database(args.database_url)
        if passed:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Logs kept in {workdir}", file=sys.stderr)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
