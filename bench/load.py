"""Load test: two gunicorn instances on one PostgreSQL and Redis, readers and publishing at once.

    .venv/bin/python bench/load.py [--seconds 60] [--stop-redis-at [SECONDS]]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_load] [--ports 8131,8132]
        [--readers 8] [--publishers 2] [--correctors 1] [--briefings 20]

Creates the database named in --database-url (it refuses one that exists, and drops it at the
end), migrates it, loads the demo newsroom and --briefings more briefings published through
the workflow, and starts its own Redis on a free port (never the machine's) and two gunicorn
instances (2 sync workers each) with production settings, sharing both. For --seconds, reader
threads fetch the home page, briefing pages, a topic page, /corrections/ and /feed/ from the
two instances in turn, while, in this process and on the same database, publisher threads
edit a briefing's working copy, submit it and publish it (``briefings.workflow``, as the
admin does) and a corrector thread adds corrections, each with a marker in its text.

A page is stale when a request that began after a publication or correction had returned
(committed, and the cache cleared) shows an older headline or lacks the note. Each page is
fetched from both instances as soon as its publication or correction returns, readers check
every page they fetch that shows a bench briefing, and /corrections/ against the newest note,
and at the end every bench page is checked once more. A write is lost when no revision holds
a publication's headline and text, a briefing's live revision is not its last publication,
or a correction is not on the public record.

--stop-redis-at kills Redis that many seconds in (half-way without a number); what follows is
counted apart. Exits 1 on a 5xx, a request without an answer, a failed or lost write, a
traceback in the gunicorn logs, or a stale page while Redis was up.
"""

import argparse
import http.client
import itertools
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BENCH_TOPIC = "cities"  # a demo topic; the bench's briefings are filed under it too
PAGES = ["home", "briefing", "topic", "briefing", "corrections", "feed"]  # a reader's round


# The processes: the database, Redis, two gunicorn instances.


def server_environment(database_url: str, cache_url: str, workdir: Path) -> dict:
    """Production settings (DEBUG off) over plain HTTP on 127.0.0.1, for every process."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "SECRET_KEY": "load-bench-" + "not-secret-" * 4,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "REQUIRE_2FA_FOR_EDITORS": "false",
        "PAGE_CACHE_SECONDS": "300",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def maintenance_connection(database_url: str, dbname: str = "postgres"):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=dbname,
        autocommit=True,
    )


def create_database(database_url: str) -> None:
    from psycopg import sql

    name = database_name(database_url)
    with maintenance_connection(database_url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            sys.exit(f"Database {name} exists; the bench drops what it creates: name a new one.")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(database_url: str) -> None:
    from psycopg import sql

    name = database_name(database_url)
    with maintenance_connection(database_url) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))


def manage(env: dict, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def load_demo(env: dict) -> None:
    """Migrate the bench's database, load the demo newsroom and collect static files, as a
    deployment would before serving (seed_demo runs only in demo mode)."""
    manage(env, "migrate", "--noinput")
    manage({**env, "DEMO_MODE": "true"}, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    # The planner's statistics, as autovacuum keeps them on a live site. Without them (this
    # machine's PostgreSQL runs with autovacuum off) the briefing page took 22 ms in process
    # instead of 15, and the uncached pages measured slower than they are.
    url = env["DATABASE_URL"]
    with maintenance_connection(url, dbname=database_name(url)) as conn:
        conn.execute("VACUUM ANALYZE")


def start_redis(port: int, log: Path, unix_socket: Path | None = None) -> subprocess.Popen:
    """A Redis of the bench's own on 127.0.0.1:``port`` (and on ``unix_socket`` if given),
    keeping nothing on disk."""
    listen = ["--unixsocket", str(unix_socket), "--unixsocketperm", "700"] if unix_socket else []
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), *listen]
        + ["--save", "", "--appendonly", "no"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches the bench only; it stops what it started
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    sys.exit(f"Redis did not start on port {port}; see {log}.")


def start_gunicorn(port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "newsroom.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "30"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if fetch(port, "/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn on port {port} did not answer 200 within 30 s.")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(port: int, path: str) -> tuple[int, str]:
    """One GET on a new connection (gunicorn's sync workers close each one anyway)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


# The bench's briefings. Each publication and note carries a marker readers look for.

HEADLINE_MARK = re.compile(r"lm-(\d+)-(\d+)x")


def slug(n: int) -> str:
    return f"load-briefing-{n}"


def headline(n: int, seq: int) -> str:
    return f"Load briefing {n}: the harbour budget, take {seq} (mark lm-{n}-{seq}x)"


def section_text(seq: int) -> str:
    return f"Version {seq} of the story, with the council figures."


def note_marker(n: int, seq: int) -> str:
    return f"cm-{n}-{seq}x"


def create_briefings(count: int) -> None:
    """``count`` complete briefings by the demo writer, published by the demo editor."""
    from django.contrib.auth import get_user_model

    from briefings import workflow
    from briefings.models import Briefing, Section, Takeaway, Topic

    users = get_user_model().objects
    writer, editor = users.get(username="writer"), users.get(username="editor")
    topic = Topic.objects.get(slug=BENCH_TOPIC)
    for n in range(count):
        briefing = Briefing.objects.create(
            slug=slug(n),
            headline=headline(n, 0),
            dek="What the council decided about the harbour budget, and what comes next.",
            topic=topic,
            created_by=writer,
        )
        briefing.authors.add(writer)
        for position in range(1, 4):
            Takeaway.objects.create(briefing=briefing, position=position, text=f"Point {position}.")
        body = f"<p>{section_text(0)}</p>"
        Section.objects.create(briefing=briefing, position=1, heading="What happened", body=body)
        workflow.submit_for_review(writer, briefing)
        workflow.publish(editor, briefing)


class Record:
    """What the writers did, noted once each call had returned (so committed, and the cache
    cleared), and what the readers got."""

    def __init__(self, count: int, ports: list[int], workdir: Path):
        self.lock = threading.Lock()
        self.ports = ports
        self.workdir = workdir  # the first stale pages are kept there
        self.published = dict.fromkeys(range(count), 0)  # briefing → its last publication
        self.publications: list[tuple[int, int]] = []
        self.notes = dict.fromkeys(range(count), 0)  # briefing → its newest note
        self.note_numbers = itertools.count(1)
        self.corrections: list[tuple[int, int]] = []
        self.newest_note = ""  # the marker /corrections/ must show
        self.refused = Counter()
        self.failed_writes = 0
        self.redis_stopped_at: float | None = None
        self.counts = {"up": Counter(), "down": Counter()}
        self.latencies: dict[str, list[float]] = {"up": [], "down": []}
        self.errors: list[str] = []

    def get(self, port: int, path: str, briefing: int | None = None) -> None:
        """Fetch ``path`` from ``port``, count the answer, and check that it shows every
        publication and note that had returned before the request began."""
        with self.lock:
            started = time.monotonic()
            stopped = self.redis_stopped_at
            phase = "down" if stopped is not None and started >= stopped else "up"
            published, newest_note = dict(self.published), self.newest_note
            note = self.notes[briefing] if briefing is not None else 0
            self.counts[phase]["requests"] += 1
        try:
            status, body = fetch(port, path)
        except (OSError, http.client.HTTPException) as error:
            self.count(phase, "no answer", f"{path} on {port}: {error!r}")
            return
        with self.lock:
            self.latencies[phase].append(time.monotonic() - started)
        if status >= 500:
            self.count(phase, "5xx", f"{path} on {port}: {status}")
        if status != 200:
            return
        shown: dict[int, int] = {}
        for n, seq in HEADLINE_MARK.findall(body):
            shown[int(n)] = max(shown.get(int(n), 0), int(seq))
        if path == "/corrections/":  # lists each note under the headline it went out with
            fresh = newest_note in body
        else:
            fresh = all(seq >= published[n] for n, seq in shown.items())
        if briefing is not None:
            fresh = fresh and briefing in shown
            fresh = fresh and (not note or note_marker(briefing, note) in body)
        if shown or briefing is not None or path == "/corrections/":
            self.count(phase, "checked")
            if not fresh:
                self.count(phase, "stale", f"stale {path} on {port}")
                expected = {"published": published, "note": note, "newest note": newest_note}
                self.keep(f"<!-- {path} on {port}, expected {expected} -->\n{body}")

    def get_everywhere(self, n: int) -> None:
        for port in self.ports:
            self.get(port, f"/briefings/{slug(n)}/", n)

    def count(self, phase: str, what: str, error: str = "") -> None:
        with self.lock:
            self.counts[phase][what] += 1
            if error and len(self.errors) < 20:
                self.errors.append(error)

    def keep(self, page: str) -> None:
        with self.lock:
            stale = sum(counts["stale"] for counts in self.counts.values())
        if stale <= 10:
            (self.workdir / f"stale-{stale}.html").write_text(page)

    def write(self, action, *args, **kwargs) -> bool:
        """Run a workflow function. A refusal (say, a correction while the briefing is not
        live) is counted; any other exception is a failed write."""
        from django.core.exceptions import PermissionDenied, ValidationError

        try:
            action(*args, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            with self.lock:
                self.refused[f"{action.__name__}: {type(error).__name__}"] += 1
            return False
        except Exception as error:
            with self.lock:
                self.failed_writes += 1
                self.errors.append(f"{action.__name__} failed: {error!r}")
            return False
        return True


# The threads.


def publisher(record: Record, numbers: list[int], until: float) -> None:
    """Edit the working copy as the writer, submit it, publish it as the editor, then fetch
    the page from both instances. Only this thread publishes these briefings."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from briefings import workflow
    from briefings.models import Briefing, Section

    users = get_user_model().objects
    writer, editor = users.get(username="writer"), users.get(username="editor")
    try:
        for n in itertools.cycle(numbers):
            if time.monotonic() >= until:
                break
            seq = record.published[n] + 1
            with transaction.atomic():  # as the admin saves: the form's fields, then the version
                briefing = Briefing.objects.select_for_update().get(slug=slug(n))
                briefing.headline = headline(n, seq)
                briefing.save(update_fields=["headline", "modified_at"])
                section = Section.objects.filter(briefing=briefing, position=1)
                section.update(body=f"<p>{section_text(seq)}</p>")
                workflow.save_working_copy(writer, briefing)
            in_review = briefing.status == Briefing.Status.IN_REVIEW  # a publish was refused
            if not in_review and not record.write(workflow.submit_for_review, writer, briefing):
                continue
            version = briefing.version
            if not record.write(workflow.publish, editor, briefing, expected_version=version):
                continue
            with record.lock:
                record.published[n] = seq
                record.publications.append((n, seq))
            record.get_everywhere(n)
    finally:
        connection.close()


def corrector(record: Record, count: int, until: float, seed: int) -> None:
    """Add corrections to any of the briefings, whatever their publisher is doing."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from briefings import workflow
    from briefings.models import Briefing

    editor = get_user_model().objects.get(username="editor")
    chooser = random.Random(seed)
    try:
        while time.monotonic() < until:
            n = chooser.randrange(count)
            with record.lock:
                seq = next(record.note_numbers)
            marker = note_marker(n, seq)
            briefing = Briefing.objects.get(slug=slug(n))
            body = f"<p>We corrected a figure ({marker}).</p>"
            if not record.write(workflow.add_correction, editor, briefing, "correction", body):
                continue
            with record.lock:
                record.notes[n] = max(record.notes[n], seq)
                record.corrections.append((n, seq))
                record.newest_note = marker
            record.get_everywhere(n)
            time.sleep(0.05)
    finally:
        connection.close()


def reader(record: Record, count: int, demo_slugs: list[str], until: float, seed: int) -> None:
    """Fetch the public pages in turn, each from the two instances in turn."""
    chooser = random.Random(seed)
    for i in itertools.count(seed):
        if time.monotonic() >= until:
            break
        port = record.ports[(i + i // len(PAGES)) % len(record.ports)]
        page = PAGES[i % len(PAGES)]
        if page == "home":
            record.get(port, "/")
        elif page == "topic":
            record.get(port, f"/topics/{BENCH_TOPIC}/")
        elif page == "feed":
            record.get(port, "/feed/")
        elif page == "corrections":
            record.get(port, "/corrections/")
        elif chooser.random() < 0.2:
            record.get(port, f"/briefings/{chooser.choice(demo_slugs)}/")
        else:
            n = chooser.randrange(count)
            record.get(port, f"/briefings/{slug(n)}/", n)


# Afterwards.


def lost_writes(record: Record) -> int:
    """Publications without a revision holding their headline and text, briefings whose
    live revision is not their last publication, corrections missing from the record."""
    from briefings.models import Briefing, PublicNote, Revision

    revisions = set()
    for name, title, data in Revision.objects.values_list("briefing__slug", "headline", "data"):
        mark = HEADLINE_MARK.search(title)
        if mark and section_text(int(mark.group(2))) in json.dumps(data):
            revisions.add((name, title))
    live = dict(Briefing.objects.values_list("slug", "live_revision__headline"))
    notes = Counter()
    for name, body in PublicNote.objects.values_list("briefing__slug", "body"):
        notes.update((name, marker) for marker in re.findall(r"cm-\d+-\d+x", body))
    lost = sum((slug(n), headline(n, seq)) not in revisions for n, seq in record.publications)
    lost += sum(live[slug(n)] != headline(n, seq) for n, seq in record.published.items())
    return lost + sum((slug(n), note_marker(n, seq)) not in notes for n, seq in record.corrections)


class CountWarnings(logging.Filter):
    """Counts this process's cache warnings (clears it could not make) instead of printing
    one line for each."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def filter(self, record) -> bool:
        self.count += 1
        return False


def server_logs(workdir: Path) -> Counter:
    counts = Counter()
    for log in workdir.glob("gunicorn-*.log"):
        text = log.read_text(errors="replace")
        counts["uncached"] += text.count("Cache unavailable, serving")
        counts["tracebacks"] += text.count("Traceback (most recent call last)")
    return counts


def milliseconds(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] * 1000 if len(values) > 1 else 0.0


def report(record: Record, args, seconds: float, lost: int, logs: Counter, missed: int) -> bool:
    """Print the figures; True when the run passed."""
    up, down = record.counts["up"], record.counts["down"]
    total = up + down
    print(
        f"{seconds:.0f} s; 2 gunicorn instances x 2 sync workers (ports {args.ports}), one "
        f"PostgreSQL, one Redis; {args.readers} readers, {args.publishers} publishers, "
        f"{args.correctors} corrector"
    )
    rows = [
        ("requests", f"{total['requests']:,} ({total['requests'] / seconds:.0f}/s)"),
        ("5xx", total["5xx"]),
        ("requests without an answer", total["no answer"]),
        ("publications", len(record.publications)),
        ("corrections", len(record.corrections)),
        ("failed writes", record.failed_writes),
        ("lost writes", lost),
        ("pages checked for freshness", total["checked"]),
        ("stale pages, Redis up", up["stale"]),
    ]
    if record.redis_stopped_at is not None:
        rows += [
            (f"requests after Redis was stopped at {args.stop_redis_at:.0f} s", down["requests"]),
            ("5xx after Redis was stopped", down["5xx"]),
            ("stale pages, Redis down", down["stale"]),
            ("pages served uncached (gunicorn logs)", logs["uncached"]),
            ("cache clears missed (writers)", missed),
        ]
    rows.append(("tracebacks in the gunicorn logs", logs["tracebacks"]))
    for phase in ("up", "down"):
        values = record.latencies[phase]
        if values:
            rows.append(
                (
                    f"latency, Redis {phase}",
                    f"p50 {milliseconds(values, 50):.0f} ms, p95 {milliseconds(values, 95):.0f} ms",
                )
            )
    for label, value in rows:
        print(f"  {label:<44} {value:>10,}" if isinstance(value, int) else f"  {label:<44} {value}")
    if record.refused:
        print(f"  refused by the workflow: {dict(record.refused)}")
    if down["stale"]:
        print(
            "  Stale pages while Redis is down are a known limit (docs/operations.md, "
            '"When Redis is down"); they do not fail the run.'
        )
    for error in record.errors:
        print(f"  ! {error}")
    failed = total["5xx"] or total["no answer"] or record.failed_writes or lost
    return not (failed or logs["tracebacks"] or up["stale"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--stop-redis-at",
        type=float,
        nargs="?",
        const=-1,
        metavar="SECONDS",
        help="kill Redis this many seconds in (half-way without a number)",
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--ports", default="8131,8132", help="the two gunicorn instances' ports")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--correctors", type=int, default=1)
    parser.add_argument("--briefings", type=int, default=20, help="briefings the bench edits")
    args = parser.parse_args()
    if args.stop_redis_at == -1:
        args.stop_redis_at = args.seconds / 2
    ports = [int(port) for port in args.ports.split(",")]
    if busy := [port for port in ports if not port_is_free(port)]:
        sys.exit(f"Port {busy[0]} is in use; choose others with --ports.")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    redis_port = free_port()
    cache_url = f"redis://127.0.0.1:{redis_port}/0?socket_connect_timeout=1&socket_timeout=1"
    env = server_environment(args.database_url, cache_url, workdir)
    os.environ.update(env)  # this process writes through the same settings
    sys.path.insert(0, str(ROOT))

    create_database(args.database_url)
    redis, servers, passed = None, [], False
    try:
        redis = start_redis(redis_port, workdir / "redis.log")
        load_demo(env)

        import django

        django.setup()
        from django.db import connection

        from briefings.models import Briefing

        missed_clears = CountWarnings()
        logging.getLogger("newsroom.cache").addFilter(missed_clears)
        create_briefings(args.briefings)
        numbers = list(range(args.briefings))
        published = Briefing.objects.published().exclude(slug__in=map(slug, numbers))
        demo_slugs = list(published.values_list("slug", flat=True))
        connection.close()

        for port in ports:
            servers.append(start_gunicorn(port, env, workdir / f"gunicorn-{port}.log"))
        for server, port in zip(servers, ports, strict=True):
            wait_until_serving(server, port)

        record = Record(args.briefings, ports, workdir)
        started = time.monotonic()
        until = started + args.seconds
        threads = [
            threading.Thread(target=reader, args=(record, args.briefings, demo_slugs, until, k))
            for k in range(args.readers)
        ]
        threads += [
            threading.Thread(target=publisher, args=(record, numbers[k :: args.publishers], until))
            for k in range(args.publishers)
        ]
        threads += [
            threading.Thread(target=corrector, args=(record, args.briefings, until, 1000 + k))
            for k in range(args.correctors)
        ]
        for thread in threads:
            thread.daemon = True  # Ctrl-C: clean up without waiting for them
            thread.start()
        if args.stop_redis_at is not None:
            time.sleep(max(0.0, started + args.stop_redis_at - time.monotonic()))
            redis.send_signal(signal.SIGKILL)
            redis.wait()
            with record.lock:
                record.redis_stopped_at = time.monotonic()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        for n in numbers:  # every bench page once more, after the last write
            record.get_everywhere(n)

        lost = lost_writes(record)
        connection.close()
        for server in servers:
            stop(server)  # so that the logs are complete
        passed = report(record, args, seconds, lost, server_logs(workdir), missed_clears.count)
    finally:
        for server in servers:
            stop(server)
        stop(redis)
        drop_database(args.database_url)
        if passed:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Logs (and the first stale pages) kept in {workdir}", file=sys.stderr)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
