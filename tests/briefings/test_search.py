"""Search of the public site, against the real database: PostgreSQL full-text search there,
the plain fallback on SQLite. Every test runs on both."""

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from briefings import search, workflow
from briefings.models import Briefing, QABlock, Revision, SearchEntry, Section, Takeaway
from briefings.workflow import make_live, save_working_copy
from tests.factories import BriefingFactory, TopicFactory, briefing_in_state

pytestmark = pytest.mark.django_db

URL = reverse("briefings:search")


def published(
    headline="A briefing", body="", takeaway="", question="", answer="", when=None, **kwargs
):
    """A briefing published through the workflow, at ``when`` (a past time) if given."""
    briefing = BriefingFactory(headline=headline, **kwargs)
    if body:
        Section.objects.create(briefing=briefing, position=1, heading="What happened", body=body)
    if takeaway:
        Takeaway.objects.create(briefing=briefing, position=1, text=takeaway)
    if question:
        QABlock.objects.create(briefing=briefing, position=1, question=question, answer=answer)
    make_live(briefing, when=when)
    return briefing


def found(client, query, **params) -> list[str]:
    """The headlines (as text) the search page lists for ``query``, in order."""
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    headlines = re.findall(r'<h2 class="card-title"><a href="[^"]+">(.*?)</a>', response.text)
    return [unescape(re.sub(r"<[^>]+>", "", headline)) for headline in headlines]


def test_search_reads_every_part_of_the_live_text_as_plain_text(client):
    published("Headline only about kelp")
    published("Dek", dek="A dek about narwhals.")
    published("Takeaway", takeaway="Ospreys returned early.")
    published("Section", body="<p>The <strong>estuary</strong> flooded.</p>")
    published("Question", question="Why lemurs?", answer="<p>Because <em>marmosets</em>.</p>")

    assert found(client, "kelp") == ["Headline only about kelp"]
    assert found(client, "narwhals") == ["Dek"]
    assert found(client, "ospreys") == ["Takeaway"]
    assert found(client, "estuary") == ["Section"]
    assert found(client, "lemurs") == ["Question"]
    assert found(client, "marmosets") == ["Question"]
    # Rich text is stored as its words, not its markup.
    assert found(client, "strong") == []


def test_the_searchable_text_is_stored_when_a_revision_is_frozen(client):
    briefing = published("Stored <pier>", body="<p>Tidal <b>barrier</b> closes</p>", dek="The dek.")
    revision = Revision.objects.get(pk=briefing.live_revision_id)
    assert revision.search_document == "The dek.\nWhat happened\nTidal barrier closes"
    if connection.vendor == "postgresql":
        frozen = str(revision.search_vector)
        assert "'pier':2A" in frozen and "'barrier':10C" in frozen
        # Computed from the new row's values, it equals the vector computed from its columns
        # (the data migration's way).
        Revision.objects.filter(pk=revision.pk).update(search_vector=search.vector())
        assert str(Revision.objects.get(pk=revision.pk).search_vector) == frozen
    else:
        assert revision.search_vector is None


def test_headline_matches_rank_above_matches_in_the_text(client):
    old = timezone.now() - timedelta(days=30)
    in_body = published("Harbour report", body="<p>The levee held overnight.</p>")
    # The headline match is older: rank, not date, puts it first.
    published("Levee holds", body="<p>Nothing else to say.</p>", when=old)
    del in_body

    assert found(client, "levee") == ["Levee holds", "Harbour report"]


def test_snippets_mark_the_match_and_escape_everything_else(client):
    published(
        "Floods & <i>tides</i>",
        body="<p>Someone typed &lt;script&gt;alert(1)&lt;/script&gt; next to the floodgate.</p>",
    )

    html = client.get(URL, {"q": "floodgate"}).text
    snippet = re.search(r'<p class="snippet">(.*)</p>', html).group(1)
    assert "alert(1)" in snippet and "<mark>floodgate</mark>" in snippet
    assert "<script" not in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt; next to the <mark>" in snippet
    # Text that looks like a tag is text: found, and shown as typed.
    assert found(client, "script") == ["Floods & <i>tides</i>"]
    assert "Floods &amp; &lt;i&gt;tides&lt;/i&gt;" in html

    # Markup in the query is echoed escaped, and matching it marks only escaped text.
    html = client.get(URL, {"q": "floodgate <script>"}).text
    main = html.split("<main", 1)[1]
    assert "floodgate &lt;script&gt;" in main
    assert "<script" not in main and "<i>" not in main
    results = main.split('class="search-results"')[1].split("</ol>")[0]
    assert set(re.findall(r"<(/?[a-z0-9]+)", results)) <= {
        "li",
        "/li",
        "p",
        "/p",
        "a",
        "/a",
        "time",
        "/time",
        "h2",
        "/h2",
        "mark",
        "/mark",
    }


def test_markup_in_a_query_or_the_text_cannot_open_a_mark_it_does_not_close(client):
    published("Odd \ue000 headline", body="<p>Odd \ue001 text about weirs \ue000</p>")
    html = client.get(URL, {"q": "weirs"}).text
    main = html.split("<main", 1)[1]
    assert main.count("<mark>") == main.count("</mark>") >= 1
    assert "\ue000" not in main and "\ue001" not in main


def test_phrases_exclusions_and_or(client):
    published("Sea wall", body="<p>The sea wall was raised.</p>")
    published("Wall by the sea", body="<p>A wall stands beside the sea.</p>")
    published("Dunes", body="<p>The dunes moved inland.</p>")

    assert found(client, '"sea wall"') == ["Sea wall"]
    assert sorted(found(client, "sea wall")) == ["Sea wall", "Wall by the sea"]
    assert found(client, "wall -raised") == ["Wall by the sea"]
    assert sorted(found(client, "dunes or raised")) == ["Dunes", "Sea wall"]
    assert found(client, 'wall -"sea wall"') == ["Wall by the sea"]


def test_filters_by_topic_and_by_publication_date(client):
    climate = TopicFactory(name="Climate", slug="climate")
    health = TopicFactory(name="Health", slug="health")
    now = timezone.now()
    published("Ice in January", topic=climate, when=now.replace(2026, 1, 15))
    published("Ice in March", topic=health, when=now.replace(2026, 3, 15))

    assert found(client, "ice", topic="climate") == ["Ice in January"]
    assert found(client, "ice", topic="health") == ["Ice in March"]
    assert found(client, "ice", **{"from": "2026-02-01"}) == ["Ice in March"]
    assert found(client, "ice", to="2026-02-01") == ["Ice in January"]
    assert found(client, "ice", **{"from": "2026-01-15", "to": "2026-01-15"}) == ["Ice in January"]


def test_bad_filters_say_so_and_the_search_still_runs(client):
    published("Ice shelf")
    response = client.get(URL, {"q": "ice", "topic": "nope", "from": "yesterday"})
    assert response.status_code == 200
    assert "There is no such topic" in response.text
    assert "Enter a date as YYYY-MM-DD" in response.text
    assert found(client, "ice", topic="nope", **{"from": "yesterday"}) == ["Ice shelf"]
    backwards = client.get(URL, {"q": "ice", "from": "2026-03-01", "to": "2026-01-01"})
    assert "This date is before the first one" in backwards.text


def test_results_come_twenty_to_a_page_and_the_pages_keep_the_query(client):
    topic = TopicFactory(slug="coasts")
    for n in range(25):
        published(f"Groyne {n}", topic=topic)

    first = client.get(URL, {"q": "groyne", "topic": "coasts"})
    assert len(found(client, "groyne", topic="coasts")) == 20
    assert "25 briefings match" in first.text
    assert 'href="?q=groyne&amp;topic=coasts&amp;page=2"' in first.text
    assert len(found(client, "groyne", topic="coasts", page=2)) == 5
    assert len(found(client, "groyne", page="nonsense")) == 20
    assert len(found(client, "groyne", page=99)) == 5


def dated(days_ago: int, headline: str, body: str = "") -> Briefing:
    return published(headline, body=body, when=timezone.now() - timedelta(days=days_ago))


def test_past_the_bound_only_the_newest_matches_are_ranked_and_counted(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    dated(1, "Tuesday", body="<p>The weir was inspected.</p>")
    dated(2, "Monday", body="<p>A weir again.</p>")
    dated(3, "Weir closed on Sunday")  # a headline match: ranks first among the newest three
    dated(4, "Weir opened on Saturday")  # a headline match too, but not among the newest

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "weir"})
    # The matches are read up to one past the bound, and never counted.
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "COUNT(" in sql]
    assert [sql for sql in statements if "LIMIT 4" in sql]
    assert "More than 3 briefings match “weir”: these are the newest 3" in response.text
    assert found(client, "weir") == ["Weir closed on Sunday", "Tuesday", "Monday"]

    # Narrowing the dates reaches older matches, counted exactly under the bound.
    older = {"to": (timezone.now() - timedelta(days=3)).date().isoformat()}
    response = client.get(URL, {"q": "weir", **older})
    assert "2 briefings match “weir”" in response.text and "More than" not in response.text
    assert found(client, "weir", **older) == ["Weir closed on Sunday", "Weir opened on Saturday"]


def test_as_many_matches_as_the_bound_are_counted_exactly(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    for n in range(3):
        dated(n, f"Sluice {n}")
    response = client.get(URL, {"q": "sluice"})
    assert "3 briefings match “sluice”" in response.text and "More than" not in response.text
    assert found(client, "sluice") == ["Sluice 0", "Sluice 1", "Sluice 2"]


def test_past_the_bound_the_pages_end_at_the_bound(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 22)
    for n in range(25):
        dated(n, f"Culvert {n}")

    first = client.get(URL, {"q": "culvert"})
    assert "More than 22 briefings match" in first.text and "Page 1 of 2" in first.text
    assert found(client, "culvert") == [f"Culvert {n}" for n in range(20)]
    assert found(client, "culvert", page=2) == ["Culvert 20", "Culvert 21"]
    assert found(client, "culvert", page=99) == ["Culvert 20", "Culvert 21"]  # the last page


@pytest.mark.parametrize(
    "state", ["draft", "in_review", "changes_requested", "scheduled", "withdrawn"]
)
def test_briefings_readers_cannot_see_are_never_found(client, writer, editor, state):
    briefing_in_state(state, writer, editor, headline="Hidden cormorant story")
    visible = briefing_in_state("published", writer, editor, headline="Visible cormorant story")
    assert found(client, "cormorant") == [visible.headline]


def test_a_published_briefings_unpublished_changes_are_never_found(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor, headline="Pelican survey")
    Section.objects.filter(briefing=briefing).update(body="<p>Albatross sighting.</p>")
    briefing.headline = "Albatross survey"
    briefing.save()
    save_working_copy(writer, briefing)

    assert found(client, "albatross") == []
    assert found(client, "pelican") == ["Pelican survey"]


def test_an_earlier_revision_of_a_live_briefing_is_not_found(client):
    briefing = published("Heron count", body="<p>Herons were counted.</p>")
    Section.objects.filter(briefing=briefing).update(body="<p>Egrets were counted.</p>")
    briefing.headline = "Egret count"
    briefing.save()
    make_live(briefing)

    assert found(client, "herons") == []
    assert found(client, "egrets") == ["Egret count"]


@pytest.mark.parametrize(
    ("state", "has_entry"),
    [
        ("draft", False),
        ("in_review", False),
        ("changes_requested", False),
        ("scheduled", True),  # searched only once its time has come
        ("published", True),
        ("published_changes", True),
        ("withdrawn", False),
    ],
)
def test_a_briefing_has_a_search_entry_while_it_has_a_live_revision(
    writer, editor, state, has_entry
):
    briefing = briefing_in_state(state, writer, editor)
    entry = SearchEntry.objects.filter(briefing=briefing).first()
    assert (entry is not None) == has_entry
    if entry:
        assert entry.published_at == briefing.published_at
        assert entry.topic_id == briefing.live_revision.topic_id


def test_unscheduling_takes_the_entry_away(writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    workflow.unschedule(editor, briefing)
    assert not SearchEntry.objects.filter(briefing=briefing).exists()


def test_a_scheduled_briefing_is_found_once_its_time_has_come_with_no_worker(client):
    when = timezone.now() + timedelta(seconds=1)
    published("Lock gates reopen", when=when)
    assert found(client, "lock gates") == []
    time.sleep(max((when - timezone.now()).total_seconds(), 0) + 0.05)
    assert found(client, "lock gates") == ["Lock gates reopen"]


def test_a_republication_moves_the_briefing_to_its_new_topic(client):
    rivers, coasts = TopicFactory(slug="rivers"), TopicFactory(slug="coasts")
    briefing = published("Estuary dredging", topic=rivers)
    briefing.topic = coasts
    briefing.save()
    make_live(briefing)

    assert found(client, "estuary", topic="coasts") == ["Estuary dredging"]
    assert found(client, "estuary", topic="rivers") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "-",
        "--",
        "or",
        "or or",
        "-or",
        '"or"',
        "the",
        "!",
        "a & b | !c",
        "(((",
        "x:*",
        "'",
        "\\",
        "%_",
        "ünïcödé café",
        "日本語 検索",
        "🌊",
        "—",
        "<script>alert(1)</script>",
    ],
)
def test_odd_queries_answer_a_page_not_an_error(client, query):
    published("A café in Zürich", body="<p>Waves 🌊 and tides.</p>")
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_unicode_words_are_found(client):
    published("A café in Zürich", body="<p>Waves 🌊 and 日本語 tides.</p>")
    assert found(client, "café") == ["A café in Zürich"]
    assert found(client, "Zürich") == ["A café in Zürich"]


def test_a_blank_query_gets_a_friendly_page(client):
    published("Anything")
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert "Type a few words to search" in response.text
        assert "Anything" not in response.text


def test_a_very_long_query_is_shortened_and_says_so(client):
    published("Breakwater")
    response = client.get(URL, {"q": "breakwater " + "x" * 10_000})
    assert response.status_code == 200
    assert f"we searched for its first {search.MAX_QUERY_LENGTH}" in response.text
    assert "x" * (search.MAX_QUERY_LENGTH + 1) not in response.text


def test_a_query_with_a_null_character_is_refused_clearly(client):
    response = client.get(URL, {"q": "sea\x00wall"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.text


def test_the_results_page_is_not_indexed_and_has_a_labelled_form(client):
    html = client.get(URL, {"q": "anything"}).text
    assert '<meta name="robots" content="noindex">' in html
    assert '<label for="search-q">Search for</label>' in html


def test_every_page_has_a_labelled_search_box_in_the_header(client):
    html = client.get("/").text
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert 'role="search"' in header and f'action="{URL}"' in header and 'method="get"' in header
    assert '<label class="visually-hidden" for="site-search-q">Search briefings</label>' in header
    assert 'id="site-search-q" type="search" name="q"' in header


def test_a_page_of_results_costs_a_bounded_number_of_queries(client):
    for n in range(25):
        published(f"Jetty {n}", body="<p>A jetty story.</p>")
    with CaptureQueriesContext(connection) as queries:
        assert len(found(client, "jetty")) == 20
    # Topics, the matches, the page (none per row); besides, on PostgreSQL, the matches'
    # setting (SET LOCAL) and the test's transaction's savepoint for it.
    reads = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET"))]
    assert len(reads) <= 4, reads


def test_the_data_migrations_fill_revisions_and_entries_made_before_search(client):
    """0022 gave revisions frozen before search their text; 0027 gave briefings published
    before it their search entries, read from those revisions."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    schema_editor = SimpleNamespace(connection=connection)
    briefing = published("Older briefing", body="<p>Saltmarsh restored.</p>")
    withdrawn = published("Withdrawn", body="<p>Saltmarsh too.</p>")
    Briefing.objects.filter(pk=withdrawn.pk).update(status=Briefing.Status.WITHDRAWN)
    Revision.objects.update(search_document="", search_vector=None)
    SearchEntry.objects.all().delete()
    assert found(client, "saltmarsh") == []

    import_module("briefings.migrations.0022_revision_search").fill_search_text(apps, schema_editor)
    import_module("briefings.migrations.0027_search_entry").fill_entries(apps, schema_editor)

    assert found(client, "saltmarsh") == [briefing.headline]
    assert found(client, "older") == [briefing.headline]
    assert list(SearchEntry.objects.values_list("briefing", flat=True)) == [briefing.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_newest_matches_are_read_without_parallel_workers(client):
    """The walk stops after MAX_RESULTS + 1 rows: starting workers would cost more than it."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "harbour"})
    statements = [q["sql"] for q in queries]
    setting = statements.index("SET LOCAL max_parallel_workers_per_gather = 0")
    assert "LIMIT 1001" in statements[setting + 1]
