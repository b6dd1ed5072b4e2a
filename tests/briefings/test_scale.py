"""Newsroom scale: the loader of many briefings, and listings that cost the same however many
briefings there are (no count of them, one page of rows)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings import paging, search, working_copy
from briefings.models import Briefing, PublicNote, Revision, SearchEntry, Transition
from briefings.snapshot import Snapshot
from briefings.views import PAGE_SIZE
from tests.factories import BriefingFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def load(count: int, **options) -> list[Briefing]:
    call_command("load_briefings", count=count, stdout=io.StringIO(), **options)
    return list(Briefing.objects.select_related("live_revision").order_by("published_at", "pk"))


def test_loaded_briefings_hold_what_publishing_would_have_stored():
    briefings = load(45, batch=20)
    assert len(briefings) == 45
    for briefing in briefings:
        live = briefing.live_revision
        page = Snapshot.of(briefing)
        assert briefing.is_live and briefing.status == Briefing.Status.PUBLISHED
        assert live.kind == Revision.Kind.PUBLICATION
        assert live.data == page.dump()
        assert live.search_document == search.document(page)
        assert {k: getattr(live, k) for k in page.listing_columns()} == page.listing_columns()
        byline = set(live.byline.values_list("pk", flat=True))
        assert byline == set(briefing.authors.values_list("pk", flat=True)) and byline
        assert live.created_at >= briefing.published_at
        assert Transition.objects.filter(briefing=briefing, revision=live).exists()
    twice = [b for b in briefings if b.revisions.count() == 2]
    assert twice and all(b.live_revision.number == 2 for b in twice)
    assert PublicNote.objects.exists()
    # Each has its search entry, with its vector on PostgreSQL, as make_live writes it.
    with_vectors = SearchEntry.objects.filter(vector__isnull=connection.vendor != "postgresql")
    assert with_vectors.count() == 45
    # Search finds a loaded briefing by its words (on PostgreSQL through the stored vector).
    word = briefings[0].live_revision.headline.split()[0]
    assert briefings[0].pk in search.search(Briefing.objects.for_listing(), word).ids


def test_the_loader_refuses_a_database_with_briefings_unless_told():
    mine = BriefingFactory(headline="A real briefing")
    with pytest.raises(CommandError, match="already has 1 briefings"):
        call_command("load_briefings", count=5)
    assert Briefing.objects.count() == 1
    load(5, allow_existing=True)
    assert Briefing.objects.count() == 6
    mine.refresh_from_db()
    assert mine.headline == "A real briefing" and mine.live_revision is None


@pytest.mark.parametrize("bad", [{"count": 0}, {"count": 2_000_000}, {"batch": 0}, {"years": 0}])
def test_the_loader_refuses_bad_numbers(bad):
    with pytest.raises(CommandError):
        call_command("load_briefings", **{"count": 5, **bad})
    assert not Briefing.objects.exists()


def listing_addresses(briefings) -> dict[str, str]:
    live = briefings[-1].live_revision
    author = live.byline.first()
    return {
        "home": "/",
        "home, page 2": "/?page=2",
        "topic": live.topic.get_absolute_url(),
        "outlet": f"/sources/{live.source_outlet.slug}/",
        "author": f"/authors/{author.slug}/",
        "corrections": "/corrections/",
    }


def test_listing_pages_never_count_briefings_and_cost_a_few_queries(client):
    briefings = load(40, batch=40)
    for name, address in listing_addresses(briefings).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address, {"fresh": 1})  # past the page cache
        assert response.status_code == 200, name
        statements = [q["sql"] for q in queries.captured_queries]
        assert not [sql for sql in statements if re.search(r"COUNT\(", sql)], name
        assert len(statements) <= 5, (name, statements)


def cards(response) -> int:
    return response.text.count('class="card"')


def test_listings_page_with_newer_and_older_links_and_no_total(client):
    load(2 * PAGE_SIZE + 1)
    first, second, last = (client.get("/", {"page": n}) for n in (1, 2, 3))
    assert 'rel="next" href="?page=2"' in first.text and 'rel="prev"' not in first.text
    assert 'rel="prev" href="?page=1"' in second.text and 'rel="next" href="?page=3"' in second.text
    assert 'rel="prev" href="?page=2"' in last.text and 'rel="next"' not in last.text
    assert "<span>Page 3</span>" in last.text and " of " not in last.text.split("Page 3")[1][:10]
    assert cards(last) == 1
    for page in ("4", "0", "-1", "abc", "2.5", "99999999999999999999"):
        assert client.get("/", {"page": page}).status_code == 404, page


def test_a_listing_ending_on_a_full_page_offers_no_older_page(client):
    load(2 * PAGE_SIZE)
    second = client.get("/?page=2")
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    assert client.get("/?page=3").status_code == 404


ADMIN_LIST = "/admin/briefings/briefing/"


def listed(response) -> list[str]:
    return re.findall(r'<th class="field-headline"><a href="[^"]+">([^<]+)</a>', response.text)


def test_the_admin_list_searches_headline_dek_and_slug_in_any_case(client, editor):
    client.force_login(editor)
    BriefingFactory(headline="Harbour wall repaired", dek="The council paid.", slug="wall")
    BriefingFactory(headline="Tram fares", dek="Harbour ferries too.", slug="fares")
    BriefingFactory(headline="School meals", dek="Cheaper.", slug="meals-harbour")
    BriefingFactory(headline="Orchard fair", dek="Apples.", slug="orchard")

    def search(term):
        return sorted(listed(client.get(ADMIN_LIST, {"q": term})))

    assert search("HARBOUR") == ["Harbour wall repaired", "School meals", "Tram fares"]
    assert search("harbour council") == ["Harbour wall repaired"]  # every word
    assert search('"wall repaired"') == ["Harbour wall repaired"]  # a quoted phrase
    assert search("apples") == ["Orchard fair"]
    assert search("50%_off") == []  # LIKE's wildcards are plain characters
    assert len(search("")) == 4


def test_an_admin_search_matching_more_than_the_cap_says_so_and_counts_no_further(client, editor):
    client.force_login(editor)
    topic = BriefingFactory().topic
    cap = paging.CappedPaginator.CAP
    Briefing.objects.bulk_create(
        Briefing(headline=f"Harbour note {n}", slug=f"harbour-{n}", dek="Boats.", topic=topic)
        for n in range(cap + 5)
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(ADMIN_LIST, {"q": "harbour"})
    assert "More than 1,000 briefings match; the first 1,000 in this order" in page.text
    assert "More than 1,000 results" in page.text
    assert len(listed(page)) == 100
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and f"LIMIT {cap + 1}" in counts[0]
    # The pages stop at the cap: the tenth is the last.
    assert len(listed(client.get(ADMIN_LIST, {"q": "harbour", "p": "10"}))) == 100
    assert client.get(ADMIN_LIST, {"q": "harbour", "p": "11"}).status_code == 302  # ?e=1

    # Under the cap the count is exact, and the unsearched list counts every briefing.
    narrow = client.get(ADMIN_LIST, {"q": "harbour note 1004"}).text
    assert "More than" not in narrow
    assert re.search(r"\b1 result\b", narrow) and re.search(r"\b1 briefing\b", narrow)
    assert f"{cap + 6} briefings" in client.get(ADMIN_LIST).text
    assert f"{cap + 6} briefings" in client.get(ADMIN_LIST, {"q": "  "}).text  # no words


def test_the_admin_list_sorts_each_column_either_way_with_ties_broken_alike(client, editor):
    client.force_login(editor)
    made = [BriefingFactory(headline="Same headline") for _ in range(3)]
    ids = [b.pk for b in made]
    for order, expected in (("1", ids), ("-1", ids[::-1])):
        html = client.get(ADMIN_LIST, {"o": order}).text
        found = [int(pk) for pk in re.findall(r"/admin/briefings/briefing/(\d+)/change/", html)]
        assert list(dict.fromkeys(found)) == expected


def test_the_admin_list_sorts_by_the_topics_own_order_a_page_at_a_time(client, editor):
    client.force_login(editor)
    first, second = TopicFactory(name="Zoning", position=0), TopicFactory(name="Arts", position=1)
    # Two topics at one position follow their names.
    tied = TopicFactory(name="Buses", position=5), TopicFactory(name="Amber", position=5)
    made = {
        topic.pk: [BriefingFactory(topic=topic).pk for _ in range(40)]
        for topic in (tied[0], second, tied[1], first)
    }
    expected = made[first.pk] + made[second.pk] + made[tied[1].pk] + made[tied[0].pk]

    def rows(order: str, page: int) -> list[int]:
        html = client.get(ADMIN_LIST, {"o": order, "p": str(page)}).text
        found = re.findall(r"/admin/briefings/briefing/(\d+)/change/", html)
        return [int(pk) for pk in dict.fromkeys(found)]

    assert rows("2", 1) + rows("2", 2) == expected
    assert rows("-2", 1) + rows("-2", 2) == expected[::-1]


def test_the_admin_list_costs_the_same_queries_for_ten_or_forty_briefings(client, editor):
    client.force_login(editor)
    counts = []
    for total in (10, 40):
        load(total - Briefing.objects.count(), allow_existing=True)
        for params in ({}, {"q": "council"}, {"status__exact": "published"}, {"o": "2"}):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(ADMIN_LIST, params).status_code == 200
            counts.append((total, str(params), len(queries)))
    first = {params: n for total, params, n in counts if total == 10}
    assert all(first[params] == n for _, params, n in counts), counts
    # The briefings are counted once (for the pages), never again for a "full" count.
    with CaptureQueriesContext(connection) as queries:
        client.get(ADMIN_LIST, {"q": "council"})
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len([sql for sql in counting if "briefings_briefing" in sql]) == 1


def test_the_change_form_reads_each_table_once(client, editor, django_assert_max_num_queries):
    """Session, user, two-factor check, the briefing (with its item and outlet), its five
    parts and byline once each, transitions, share links, topics, staff, the chosen item, the
    chosen original: at most 15 for a superuser; an editor's permissions add two."""
    [briefing] = load(1)
    briefing = Briefing.objects.get(pk=briefing.pk)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = f"/admin/briefings/briefing/{briefing.pk}/change/"
    client.get(url)  # a running site has its content types cached already
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    client.force_login(editor)
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for table in ("takeaway", "section", "qablock", "editorsnote", "citation"):
        reads = [q for q in queries.captured_queries if f'FROM "briefings_{table}"' in q["sql"]]
        assert len(reads) == 1, table


def test_the_change_form_shows_the_parts_and_checklist_as_stored(client, editor):
    [briefing] = load(1)
    briefing = Briefing.objects.get(pk=briefing.pk)
    client.force_login(editor)
    html = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    for takeaway in briefing.takeaways.all():
        assert takeaway.text in html
    assert html.count('name="takeaways-', 0) and 'name="takeaways-TOTAL_FORMS" value="3"' in html


def test_a_briefing_read_with_its_parts_has_the_snapshot_publishing_reads():
    load(12)
    for briefing in working_copy.with_parts(Briefing.objects.all()):
        assert working_copy.has_parts(briefing)
        assert working_copy.snapshot(briefing) == Snapshot.of(briefing)


def test_a_deep_page_shows_the_same_briefings_as_a_plain_slice(client):
    from briefings.paging import DEEP

    load(DEEP + 3 * PAGE_SIZE)
    number = DEEP // PAGE_SIZE + 2  # past DEEP rows in: read by ids first
    expected = Briefing.objects.for_listing()[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    html = client.get("/", {"page": number}).text
    assert [b.get_absolute_url() for b in expected] == re.findall(
        r'<h\d class="card-title"><a href="([^"]+)"', html
    )
    assert f'rel="next" href="?page={number + 1}"' in html
    last = client.get("/", {"page": number + 1})
    assert 'rel="next"' not in last.text and cards(last) == PAGE_SIZE  # the last, full page


def test_the_search_for_an_original_pages_without_counting(client, editor):
    load(25)
    client.force_login(editor)
    query = {"app_label": "briefings", "model_name": "briefing", "field_name": "follows"}
    address = "/admin/briefings/briefing/follows/"
    with CaptureQueriesContext(connection) as queries:
        first = client.get(address, query).json()
    assert len(first["results"]) == 20 and first["pagination"]["more"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    second = client.get(address, {**query, "page": 2}).json()
    assert len(second["results"]) == 5 and not second["pagination"]["more"]
    assert client.get(address, {**query, "page": "x"}).status_code == 404
