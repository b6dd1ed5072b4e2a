"""Benchmark: the public pages, sitemaps and the admin's briefing list at newsroom scale.

    .venv/bin/python bench/scale.py [--count 100000] [--rounds 20]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_scale] [--reuse] [--keep]

Creates the PostgreSQL database named in --database-url (it refuses one that exists), migrates
it, loads --count published briefings with ``manage.py load_briefings`` (as publishing makes
them), runs VACUUM ANALYZE (as autovacuum would on a live site), then requests every kind of
public page, every sitemap and the admin's list through Django's test ``Client`` in this
process (the whole middleware stack, DEBUG off), ``--rounds`` times each, interleaved, and
drops the database at the end. The page cache is a dummy cache: every request is rendered.
``--reuse`` measures an existing database as it is (migrated, not loaded, never dropped), so
code can be compared on the same data; ``--keep`` keeps the database it made.

Prints p50 and p95 of each page in milliseconds and as a ratio to a bare Django view (one
that returns "ok" through the same middleware) measured in the same rounds, the SQL
statements each page ran and whether one of them counted the briefings table, and the
statements of the admin's change form. Exits 1 when a target is missed: public pages and
sitemaps under 50 ms p95, the admin's list, search, filter and sorts under 300 ms p95, the
change form at most 15 statements, no COUNT over briefings on a public page.
"""

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from load import create_database, database_name, drop_database, maintenance_connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PUBLIC_TARGET_MS = 50
ADMIN_TARGET_MS = 300
CHANGE_FORM_QUERIES = 15
COUNTS_BRIEFINGS = re.compile(r'COUNT\([^)]*\).*FROM "briefings_briefing"', re.S)


def environment(database_url: str, static_root: str) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": "dummycache://",  # every page rendered: nothing served from the cache
        "SECRET_KEY": "scale-bench-" + "not-secret-" * 4,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "REQUIRE_2FA_FOR_EDITORS": "false",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": static_root,  # collected here, as in production (hashed names)
        "MEDIA_ROOT": str(Path(static_root).parent / "media"),
    }


def database_exists(database_url: str) -> bool:
    name = database_name(database_url)
    with maintenance_connection(database_url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def pages() -> list[tuple[str, str, str]]:
    """(name, kind, address) of every page measured: kind is public, sitemap or admin."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from briefings.models import Briefing, Topic
    from briefings.views import PAGE_SIZE
    from sources.models import Outlet

    published = Briefing.objects.published()
    # The bench may count: the last page is what a reader reaches by following "Older".
    last = max(1, math.ceil(published.count() / PAGE_SIZE))
    topic = Topic.objects.filter(pk=published.values("live_revision__topic")[:1]).get()
    outlet = Outlet.objects.filter(pk=published.values("live_revision__source_outlet")[:1]).get()
    author = get_user_model().objects.filter(bylined_revisions__isnull=False).first()
    middle = published.order_by("published_at")[published.count() // 2]
    found = [
        ("bare Django view", "bare", "/bench-bare/"),
        ("home", "public", "/"),
        ("home, page 2", "public", "/?page=2"),
        (f"home, last page ({last})", "public", f"/?page={last}"),
        ("topic", "public", topic.get_absolute_url()),
        ("topic, page 2", "public", topic.get_absolute_url() + "?page=2"),
        ("outlet", "public", f"/sources/{outlet.slug}/"),
        ("/sources/", "public", "/sources/"),
        ("/corrections/", "public", "/corrections/"),
        ("author", "public", f"/authors/{author.slug}/"),
        ("briefing", "public", middle.get_absolute_url()),
        ("search", "public", "/search/?q=tram+museum"),
        ("search, a word in every briefing (`council`)", "public", "/search/?q=council"),
        ("search, a rare word (`vavavas`, 841 briefings)", "public", "/search/?q=vavavas"),
        ("search, two rare words (5 briefings)", "public", "/search/?q=vavavas+vavavar"),
        ("search, a mid word (`loriris`, 4,707 briefings)", "public", "/search/?q=loriris"),
        ("search, a mid word (`kariris`, 10,584 briefings)", "public", "/search/?q=kariris"),
        ("RSS feed", "public", "/feed/"),
        ("Atom feed", "public", "/feed/atom/"),
        ("topic feed", "public", topic.get_absolute_url() + "feed/"),
        ("sitemap index", "sitemap", "/sitemap.xml"),
    ]
    index = Client().get("/sitemap.xml").content.decode()
    locations = [urlsplit(loc) for loc in re.findall(r"<loc>([^<]+)</loc>", index)]
    seen = set()
    for n, loc in enumerate(locations):
        address = loc.path + (f"?{loc.query}" if loc.query else "")
        kind = re.sub(r"[-\d]+$", "", loc.path.removesuffix(".xml"))
        later = [other for other in locations[n + 1 :] if kind in other.path]
        if kind not in seen:
            seen.add(kind)
            found.append((f"{address} (first of its kind)", "sitemap", address))
        elif not later:
            found.append((f"{address} (last of its kind)", "sitemap", address))
    admin = "/admin/briefings/briefing/"
    found += [
        ("admin list", "admin", admin),
        ("admin search, a common word", "admin", admin + "?q=harbour"),
        ("admin search, a less common word", "admin", admin + "?q=museum"),
        ("admin status filter", "admin", admin + "?status__exact=published"),
        ("admin topic filter", "admin", admin + f"?topic__id__exact={topic.pk}"),
    ]
    columns = {1: "headline", 2: "topic", 3: "status", 5: "unpublished changes", 6: "type"}
    columns |= {7: "publish time", 8: "modified"}
    found += [(f"admin sorted by {name}", "admin", f"{admin}?o={n}") for n, name in columns.items()]
    found.append(("admin sorted by publish time, oldest", "admin", f"{admin}?o=-7"))
    return found


def measure(rounds: int, only: str = "") -> tuple[list, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from briefings.models import Briefing

    staff = get_user_model().objects.filter(username="scale-bench-admin").first()
    if staff is None:
        staff = get_user_model().objects.create_superuser("scale-bench-admin", "", None)
    reader, editor = Client(), Client()
    editor.force_login(staff)
    found = [page for page in pages() if page[1] == "bare" or only in page[0]]
    results = []
    for name, kind, address in found:
        client = editor if kind == "admin" else reader
        for _ in range(2):  # warm: connections, templates, the database's buffers
            response = client.get(address)
        if response.status_code != 200:
            sys.exit(f"{address} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        counted = any(COUNTS_BRIEFINGS.search(q["sql"]) for q in queries.captured_queries)
        results.append({"name": name, "kind": kind, "address": address, "times": []})
        results[-1].update(queries=len(queries), counts=counted)
    for _ in range(rounds):  # interleaved, so that noise falls on every page alike
        for result in results:
            client = editor if result["kind"] == "admin" else reader
            started = time.perf_counter()
            response = client.get(result["address"])
            result["times"].append(time.perf_counter() - started)
            if response.status_code != 200:
                sys.exit(f"{result['address']} answered {response.status_code}")
    briefing = Briefing.objects.published().order_by("-published_at").first()
    change = f"/admin/briefings/briefing/{briefing.pk}/change/"
    editor.get(change)
    with CaptureQueriesContext(connection) as queries:
        response = editor.get(change)
    if response.status_code != 200:
        sys.exit(f"{change} answered {response.status_code}")
    return results, len(queries)


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * percent / 100) - 1)] * 1000


def report(results: list, change_form: int) -> bool:
    bare_p50 = statistics.median(results[0]["times"]) * 1000
    bare_p95 = percentile(results[0]["times"], 95)
    print(f"\n{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'×bare p50':>10} {'×bare p95':>10}", end="")
    print(f" {'SQL':>4}  target")
    passed = True
    for result in results:
        p50, p95 = statistics.median(result["times"]) * 1000, percentile(result["times"], 95)
        target = {"public": PUBLIC_TARGET_MS, "sitemap": PUBLIC_TARGET_MS}
        target = target.get(result["kind"], ADMIN_TARGET_MS if result["kind"] == "admin" else 0)
        ok = not target or p95 < target
        note = ""
        if target:
            note = f"< {target} ms {'ok' if ok else 'MISSED'}"
        if result["counts"] and result["kind"] != "admin":
            ok, note = False, note + ", COUNT over briefings"
        passed = passed and ok
        print(
            f"{result['name'][:52]:<52} {p50:8.1f} {p95:8.1f} {p50 / bare_p50:10.1f}"
            f" {p95 / bare_p95:10.1f} {result['queries']:4d}  {note}"
        )
    ok = change_form <= CHANGE_FORM_QUERIES
    passed = passed and ok
    print(
        f"\nadmin change form: {change_form} SQL statements "
        f"(≤ {CHANGE_FORM_QUERIES} {'ok' if ok else 'MISSED'})"
    )
    print("all targets met" if passed else "some targets missed")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_scale")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--keep", action="store_true", help="keep the database made")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("The bench measures PostgreSQL: give a postgres:// --database-url.")
    exists = database_exists(args.database_url)
    if exists and not args.reuse:
        sys.exit("That database exists; the bench drops what it makes: name a new one, or --reuse.")
    if args.reuse and not exists:
        sys.exit("--reuse: that database does not exist.")
    workdir = tempfile.mkdtemp(prefix="newsroom-scale-")
    os.environ.update(environment(args.database_url, os.path.join(workdir, "static")))
    if not args.reuse:
        create_database(args.database_url)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.urls import include, path

        # The site's own addresses, and the bare view beside them.
        urls = type(sys)("scale_bench_urls")
        urls.urlpatterns = [path("bench-bare/", bare), path("", include(settings.ROOT_URLCONF))]
        sys.modules["scale_bench_urls"] = urls
        settings.ROOT_URLCONF = "scale_bench_urls"

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not args.reuse:
            started = time.perf_counter()
            call_command("load_briefings", count=args.count)
            print(f"loaded {args.count:,} briefings in {time.perf_counter() - started:.0f} s")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        results, change_form = measure(args.rounds, args.only)
        connection.close()
        passed = report(results, change_form)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.reuse and not args.keep:
            drop_database(args.database_url)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
