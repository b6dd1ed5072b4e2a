"""Sitemaps: well-formed, on SITE_URL, dated to the second, with images, a Google News
sitemap of the last 48 hours (at most 1,000), outlets and authors, and an index that does not
load every briefing."""

import io
import math
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from importlib import import_module
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from briefings import sitemaps
from briefings.models import Briefing, Revision, SitemapMonth
from briefings.sitemaps import NEWS_LIMIT, BriefingSitemap
from briefings.templatetags.sitemap_dates import w3c
from briefings.workflow import (
    add_correction,
    make_live,
    publish_due_scheduled,
    unschedule,
    withdraw,
)
from tests.factories import (
    BriefingFactory,
    OutletFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    add_children,
    briefing_in_state,
)

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}
W3C_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
SECTIONS = ["news", "briefings-{this_month}", "topics", "outlets", "authors", "pages"]


def this_month() -> str:
    return f"{timezone.localtime():%Y-%m}"


def sections() -> list[str]:
    return [section.format(this_month=this_month()) for section in SECTIONS]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "other-host.example"]


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#c63").save(buffer, "PNG")
    return SimpleUploadedFile("lead.png", buffer.getvalue(), "image/png")


def published(*authors, when=None, image=False, **kwargs) -> Briefing:
    if image:
        kwargs |= {"lead_image": png(), "lead_image_alt": "Gates", "lead_image_credit": "Desk"}
    briefing = add_children(BriefingFactory(**kwargs), count=1)
    briefing.authors.set(authors)
    make_live(briefing, when=when)  # a past time: published then
    return briefing


def xml(client, url: str):
    response = client.get(url, HTTP_HOST="other-host.example")
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    assert b"other-host.example" not in response.content
    return ElementTree.fromstring(response.content)


def locs(root) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def test_the_index_names_every_section_on_site_url_with_lastmod_to_the_second(client):
    published(UserFactory(), source_item=SourceItemFactory())
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locs(root) == [f"{SITE}/sitemap-{section}.xml" for section in sections()]
    lastmods = [e.text for e in root.iterfind("sm:sitemap/sm:lastmod", NS)]
    assert len(lastmods) == 5  # every section but the explanatory pages
    assert all(W3C_SECONDS.match(value) for value in lastmods)


def test_the_index_dates_sections_with_aggregates_not_by_loading_briefings(
    client, django_assert_num_queries
):
    author, outlet = UserFactory(), OutletFactory()
    published(author, source_item=SourceItemFactory(outlet=outlet))
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    for _ in range(5):
        published(author, source_item=SourceItemFactory(outlet=outlet))
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/sitemap.xml")


def test_briefings_are_listed_with_their_images_and_lastmod(client):
    with_image = published(image=True)
    without = published()
    BriefingFactory()  # a draft

    root = xml(client, f"/sitemap-briefings-{this_month()}.xml")
    urls = {u.findtext("sm:loc", namespaces=NS): u for u in root.iterfind("sm:url", NS)}

    assert set(urls) == {f"{SITE}{b.get_absolute_url()}" for b in (with_image, without)}
    image = urls[f"{SITE}{with_image.get_absolute_url()}"]
    name = with_image.live_revision.lead_image
    assert image.findtext("image:image/image:loc", namespaces=NS) == f"{SITE}/media/{name}"
    assert urls[f"{SITE}{without.get_absolute_url()}"].find("image:image", NS) is None
    assert all(
        W3C_SECONDS.match(url.findtext("sm:lastmod", namespaces=NS)) for url in urls.values()
    )


def test_the_news_sitemap_holds_the_last_48_hours(client, settings):
    now = timezone.now()
    recent = published(when=now - timedelta(hours=47), headline="Fresh news", image=True)
    published(when=now - timedelta(hours=49), headline="Old news")
    published(when=now + timedelta(hours=1), headline="Not yet out")

    root = xml(client, "/sitemap-news.xml")
    [url] = root.findall("sm:url", NS)

    assert url.findtext("sm:loc", namespaces=NS) == f"{SITE}{recent.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == settings.SITE_NAME
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh news"
    date = news.findtext("news:publication_date", namespaces=NS)
    assert W3C_SECONDS.match(date)
    assert date == timezone.localtime(recent.published_at).replace(microsecond=0).isoformat()
    assert url.find("image:image/image:loc", NS) is not None


def test_the_news_sitemap_stops_at_1000_newest(client):
    """Rows written in bulk: the news sitemap reads only the listing columns."""
    template = published()
    topic, now = template.topic, timezone.now()
    briefings = Briefing.objects.bulk_create(
        Briefing(
            headline=f"Bulk {n}",
            slug=f"bulk-{n}",
            topic=topic,
            status="published",
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(NEWS_LIMIT + 1)
    )
    revisions = Revision.objects.bulk_create(
        Revision(briefing=b, number=1, headline=b.headline, topic=topic, data={}) for b in briefings
    )
    for briefing, revision in zip(briefings, revisions, strict=True):
        briefing.live_revision = revision
    Briefing.objects.bulk_update(briefings, ["live_revision"], batch_size=500)

    root = xml(client, "/sitemap-news.xml")
    titles = [t.text for t in root.iterfind(".//news:title", NS)]

    assert len(titles) == NEWS_LIMIT
    assert titles[:2] == [template.headline, "Bulk 0"]
    assert "Bulk 999" not in titles  # the oldest of 1,002 left out
    assert client.get("/sitemap-news.xml?p=2").status_code == 404


def test_outlets_and_authors_with_published_briefings_are_listed(client):
    author, staff = UserFactory(), UserFactory()
    outlet, quiet = OutletFactory(), OutletFactory()
    published(author, source_item=SourceItemFactory(outlet=outlet))
    draft = BriefingFactory(source_item=SourceItemFactory(outlet=quiet))
    draft.authors.add(staff)

    outlets = xml(client, "/sitemap-outlets.xml")
    authors = xml(client, "/sitemap-authors.xml")

    assert locs(outlets) == [f"{SITE}/sources/{outlet.slug}/"]
    assert locs(authors) == [f"{SITE}/authors/{author.slug}/"]
    for root in (outlets, authors):
        assert W3C_SECONDS.match(root.findtext("sm:url/sm:lastmod", namespaces=NS))


def test_every_section_is_on_site_url(client):
    topic = TopicFactory()
    published(UserFactory(), topic=topic, image=True, source_item=SourceItemFactory())
    for section in sections():
        root = xml(client, f"/sitemap-{section}.xml")
        assert locs(root) and all(loc.startswith(f"{SITE}/") for loc in locs(root))
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_briefings_are_in_the_sitemap_of_the_month_they_were_first_published(client):
    now = timezone.localtime()
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(day=15, hour=12)
    earlier = published(when=last_month - timedelta(days=62))
    old = published(when=last_month)
    new = published()
    cache.clear()

    root = xml(client, "/sitemap.xml")
    months = [loc for loc in locs(root) if "/sitemap-briefings-" in loc]
    assert months == [
        f"{SITE}/sitemap-briefings-{when:%Y-%m}.xml"
        for when in (now, last_month, last_month - timedelta(days=62))
    ]  # newest first, one per month with a publication
    for briefing, when in ((new, now), (old, last_month), (earlier, last_month - timedelta(62))):
        urls = locs(xml(client, f"/sitemap-briefings-{when:%Y-%m}.xml"))
        assert urls == [f"{SITE}{briefing.get_absolute_url()}"]


def test_a_months_lastmod_follows_a_new_revision_or_a_correction(client, editor):
    from briefings.workflow import add_correction

    when = timezone.localtime() - timedelta(days=70)
    briefing = published(when=when)
    month = f"/sitemap-briefings-{when:%Y-%m}.xml"

    def index_lastmod():
        cache.clear()
        root = xml(client, "/sitemap.xml")
        [entry] = [
            e
            for e in root.iterfind("sm:sitemap", NS)
            if month in e.findtext("sm:loc", namespaces=NS)
        ]
        return entry.findtext("sm:lastmod", namespaces=NS)

    live = Revision.objects.filter(pk=briefing.live_revision_id)
    live.update(created_at=when)  # frozen when it went out
    first = index_lastmod()
    assert first == w3c(when)
    briefing.refresh_from_db()
    assert briefing.republished_at is None  # out once
    make_live(briefing)  # published again: revision 2, dated three days ago
    briefing.refresh_from_db()
    assert briefing.republished_at == briefing.live_revision.created_at
    three_days_ago = timezone.now() - timedelta(days=3)
    Revision.objects.filter(pk=briefing.live_revision_id).update(created_at=three_days_ago)
    Briefing.objects.filter(pk=briefing.pk).update(republished_at=three_days_ago)
    SitemapMonth.refresh(when)  # dated past the workflow, so counted again as a bulk edit must
    revised = index_lastmod()
    assert revised == w3c(three_days_ago)
    assert revised > first
    add_correction(editor, briefing, "correction", "<p>Fixed.</p>")
    assert index_lastmod() > revised


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-briefings-2019-01.xml",
        "/sitemap-briefings-2026-13.xml",
        "/sitemap-briefings-2026-1.xml",
    ],
)
def test_a_month_without_briefings_or_not_a_month_is_not_found(client, address):
    published()
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("page", ["0", "2", "abc", "-1", "99999999"])
def test_a_months_page_past_its_end_or_not_a_page_is_not_found(client, page):
    published()
    address = f"/sitemap-briefings-{this_month()}.xml"
    assert client.get(address).status_code == 200
    assert client.get(address, {"p": page}).status_code == 404


def test_the_single_briefings_sitemap_of_old_sends_crawlers_to_the_index(client):
    response = client.get("/sitemap-briefings.xml")
    assert response.status_code == 301 and response["Location"] == "/sitemap.xml"


def test_the_index_costs_the_same_queries_however_many_months_it_lists(
    client, django_assert_num_queries
):
    published(UserFactory(), source_item=SourceItemFactory())
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    for months in range(1, 6):
        published(UserFactory(), when=timezone.now() - timedelta(days=31 * months))
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        root = xml(client, "/sitemap.xml")
    assert len([loc for loc in locs(root) if "/sitemap-briefings-" in loc]) == 6


def test_the_news_sitemap_reads_its_items_once_without_counting(client):
    """At most 1,000 rows, all on the one page: counting them first is a statement wasted."""
    now = timezone.now()
    for hours in (1, 2, 3):
        published(when=now - timedelta(hours=hours))

    with CaptureQueriesContext(connection) as queries:
        root = xml(client, "/sitemap-news.xml")

    assert len(root.findall("sm:url", NS)) == 3
    briefing_reads = [q["sql"] for q in queries if '"briefings_briefing"' in q["sql"]]
    assert len(briefing_reads) == 1
    assert "COUNT(" not in briefing_reads[0].upper()


def month_entries(client) -> dict:
    """The index's month sitemaps (each further page too), newest first, with their lastmod."""
    cache.clear()
    root = xml(client, "/sitemap.xml")
    entries = {
        e.findtext("sm:loc", namespaces=NS): e.findtext("sm:lastmod", namespaces=NS)
        for e in root.iterfind("sm:sitemap", NS)
    }
    return {loc.removeprefix(SITE): lastmod for loc, lastmod in entries.items() if "-20" in loc}


def test_a_month_fuller_than_a_sitemap_page_is_listed_once_a_page(client, monkeypatch, editor):
    from briefings.sitemaps import BriefingSitemap

    monkeypatch.setattr(BriefingSitemap, "limit", 2)
    may, june = datetime(2026, 5, 10, tzinfo=UTC), datetime(2026, 6, 10, tzinfo=UTC)
    for _ in range(5):  # three pages: 2, 2 and 1, all published at the same instant
        published(when=may)
    full = [published(when=june + timedelta(days=day)) for day in range(3)]  # one page of 2
    withdraw(editor, full[0], "Published in error.")

    assert list(month_entries(client)) == [
        "/sitemap-briefings-2026-06.xml",
        "/sitemap-briefings-2026-05.xml",
        "/sitemap-briefings-2026-05.xml?p=2",
        "/sitemap-briefings-2026-05.xml?p=3",
    ]
    may_pages = [locs(xml(client, f"/sitemap-briefings-2026-05.xml?p={p}")) for p in (1, 2, 3)]
    assert [len(page) for page in may_pages] == [2, 2, 1]
    assert len(set(sum(may_pages, []))) == 5
    assert client.get("/sitemap-briefings-2026-05.xml?p=4").status_code == 404
    assert client.get("/sitemap-briefings-2026-06.xml?p=2").status_code == 404


def test_months_and_their_lastmod_follow_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 23:30 and 00:30 in Paris, either side of its midnight (both 31 October in UTC)
    october = published(when=datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
    november = published(when=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    published(when=datetime(2026, 8, 31, 21, 59, tzinfo=UTC))  # 23:59, summer time

    assert month_entries(client) == {
        "/sitemap-briefings-2026-11.xml": "2026-11-01T00:30:00+01:00",
        "/sitemap-briefings-2026-10.xml": "2026-10-31T23:30:00+01:00",
        "/sitemap-briefings-2026-08.xml": "2026-08-31T23:59:00+02:00",
    }
    for briefing, month in ((october, "2026-10"), (november, "2026-11")):
        urls = locs(xml(client, f"/sitemap-briefings-{month}.xml"))
        assert urls == [f"{SITE}{briefing.get_absolute_url()}"]


def test_the_data_migration_dates_republications_not_first_publications_after_drafts():
    """Saved drafts are numbered revisions: a first publication after two drafts is revision 3,
    and only a briefing published before its live revision counts as published again."""
    from importlib import import_module

    from django.apps import apps

    from briefings.workflow import keep_draft

    migration = import_module("briefings.migrations.0026_republished_at")
    after_drafts = BriefingFactory()
    add_children(after_drafts, count=1)
    for headline in ("First draft", "Second draft"):
        Briefing.objects.filter(pk=after_drafts.pk).update(headline=headline)
        after_drafts.refresh_from_db()
        keep_draft(None, after_drafts)
    make_live(after_drafts)
    again = published()
    make_live(Briefing.objects.get(pk=again.pk))
    Briefing.objects.update(republished_at=None)  # as before the migration

    migration.date_republications(apps, None)

    after_drafts.refresh_from_db()
    again.refresh_from_db()
    assert after_drafts.live_revision.number == 3
    assert after_drafts.republished_at is None
    assert again.republished_at == again.live_revision.created_at


# The index's months come from a row a month (SitemapMonth), kept by the workflow.


def months_from_scratch() -> list[tuple]:
    """What the index should list: (first instant, lastmod, pages) of each month with a
    published briefing, newest first, worked out in Python from every published briefing."""
    found = {}
    for b in Briefing.objects.published().with_noted_at():
        local = timezone.localtime(b.published_at)
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        count, *dates = found.get(start, (0,))
        found[start] = (count + 1, *dates, b.published_at, b.republished_at, b.noted_at)
    return [
        (start, max(filter(None, dates)), math.ceil(count / BriefingSitemap.limit))
        for start, (count, *dates) in sorted(found.items(), reverse=True)
    ]


def test_the_months_follow_every_change_readers_see(writer, editor, monkeypatch):
    monkeypatch.setattr(BriefingSitemap, "limit", 2)
    old, older = datetime(2026, 5, 10, 12, tzinfo=UTC), datetime(2026, 3, 10, 12, tzinfo=UTC)
    first, second = published(when=older), published(when=older + timedelta(days=1))
    third = published(when=old)
    live = briefing_in_state("published", writer, editor)
    assert sitemaps.months() == months_from_scratch() and len(sitemaps.months()) == 3

    make_live(Briefing.objects.get(pk=second.pk))  # out again: a later lastmod
    add_correction(editor, first, "correction", "<p>Fixed.</p>")
    withdraw(editor, third, "Published in error.")
    assert sitemaps.months() == months_from_scratch() and len(sitemaps.months()) == 2

    scheduled = briefing_in_state("scheduled", writer, editor)
    cancelled = briefing_in_state("scheduled", writer, editor)
    unschedule(editor, cancelled)
    assert sitemaps.months() == months_from_scratch()
    Briefing.objects.filter(pk=scheduled.pk).update(published_at=old)  # its time has come
    publish_due_scheduled()
    assert sitemaps.months() == months_from_scratch() and len(sitemaps.months()) == 3

    make_live(Briefing.objects.get(pk=live.pk), when=older)  # its month is another now
    assert sitemaps.months() == months_from_scratch() and sitemaps.months()[-1][2] == 2
    Briefing.objects.get(pk=live.pk).delete()
    assert sitemaps.months() == months_from_scratch() and sitemaps.months()[-1][2] == 1


def test_a_month_leaves_the_index_when_its_only_briefing_is_withdrawn(client, editor):
    briefing = published(when=timezone.now() - timedelta(days=70))
    published()
    month = f"/sitemap-briefings-{timezone.localtime(briefing.published_at):%Y-%m}.xml"
    assert month in month_entries(client)

    withdraw(editor, briefing, "Published in error.")

    assert list(month_entries(client)) == [f"/sitemap-briefings-{this_month()}.xml"]


def test_a_scheduled_briefing_enters_the_index_once_its_publication_is_recorded(
    client, writer, editor
):
    scheduled = briefing_in_state("scheduled", writer, editor)
    cancelled = briefing_in_state("scheduled", writer, editor)
    assert publish_due_scheduled() == []  # not yet its time
    assert month_entries(client) == {}

    unschedule(editor, cancelled)
    Briefing.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())  # its time
    assert month_entries(client) == {}  # readers see it; the index counts it once recorded
    publish_due_scheduled()

    scheduled.refresh_from_db()
    month = f"/sitemap-briefings-{this_month()}.xml"
    assert month_entries(client) == {month: w3c(scheduled.published_at)}
    assert locs(xml(client, month)) == [f"{SITE}{scheduled.get_absolute_url()}"]


def test_the_index_counts_no_briefings(client):
    for days in (0, 40, 80):
        published(when=timezone.now() - timedelta(days=days))
    with CaptureQueriesContext(connection) as queries:
        root = xml(client, "/sitemap.xml")
    assert len([loc for loc in locs(root) if "/sitemap-briefings-" in loc]) == 3
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if '"briefings_briefing"' in sql]


def test_rebuilding_the_months_and_the_migration_count_what_the_briefings_say(settings, editor):
    """Rows changed past the workflow (as load_briefings writes them) are counted once the
    months are rebuilt; the migration that made the table fills it the same way."""
    settings.TIME_ZONE = "Europe/Paris"
    for when in (
        datetime(2026, 10, 31, 22, 30, tzinfo=UTC),  # October in Paris
        datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # November in Paris
        datetime(2026, 8, 3, tzinfo=UTC),
    ):
        published(when=when)
    again = published(when=datetime(2026, 8, 4, tzinfo=UTC))
    make_live(Briefing.objects.get(pk=again.pk))
    add_correction(editor, again, "update", "<p>Later news.</p>")
    october = Briefing.objects.filter(published_at__lt=datetime(2026, 10, 31, 23, tzinfo=UTC))
    october.filter(published_at__month=10).update(published_at=datetime(2026, 7, 1, tzinfo=UTC))
    SitemapMonth.objects.filter(month__month=11).update(briefings=5)
    assert sitemaps.months() != months_from_scratch()

    SitemapMonth.rebuild()
    assert sitemaps.months() == months_from_scratch() and len(sitemaps.months()) == 3
    rows = SitemapMonth.objects.filter(briefings__gt=0).order_by("month")
    rebuilt = list(rows.values_list("month", "briefings", "lastmod"))

    SitemapMonth.objects.all().delete()
    import_module("briefings.migrations.0028_sitemap_months").count_months(apps, None)
    assert list(rows.values_list("month", "briefings", "lastmod")) == rebuilt


def test_loading_briefings_in_bulk_counts_their_months():
    call_command("load_briefings", count=30, batch=10, years=1, stdout=io.StringIO())
    assert len(sitemaps.months()) >= 12
    assert sitemaps.months() == months_from_scratch()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one transaction write at a time"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_publications_in_one_month_at_once_are_both_counted():
    """The second publication waits for the month's row, locked by the first until it
    commits, and only then counts the month's briefings: the first among them."""
    published()  # the month's row exists
    first, second = (add_children(BriefingFactory(), count=1) for _ in range(2))
    locked, commit = threading.Event(), threading.Event()

    def publish_first():
        with transaction.atomic():
            make_live(first)
            locked.set()
            commit.wait(10)
        connection.close()

    def publish_second():
        make_live(second)
        connection.close()

    threads = [threading.Thread(target=publish_first), threading.Thread(target=publish_second)]
    threads[0].start()
    assert locked.wait(10)
    threads[1].start()
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    for _ in range(200):  # until the second waits for the lock
        with connection.cursor() as cursor:
            cursor.execute(waiting)
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    commit.set()
    for thread in threads:
        thread.join(10)

    assert [pages for _, _, pages in sitemaps.months()] == [1]
    assert SitemapMonth.objects.get().briefings == 3
