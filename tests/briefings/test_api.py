"""The read-only content API (/api/v1/, docs/api.md): only what readers see, paging, caching,
conditional GET, problem details, the rate limit, CORS and the docs page."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from briefings import workflow
from briefings.models import Briefing, PublicNote, Section
from tests.factories import (
    OutletFactory,
    SourceItemFactory,
    TopicFactory,
    briefing_in_state,
    standards,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
# Markers in the text of briefings readers must never see through the API.
HIDDEN = {
    "draft": "Zebradraft",
    "scheduled": "Quokkascheduled",
    "withdrawn": "Narwhalwithdrawn",
}


def get(client, path, **headers):
    return client.get(API + path, headers=headers)


def body(response):
    return json.loads(response.content)


@pytest.fixture
def newsroom(writer, editor):
    """A topic and an outlet with one published briefing by ``writer`` (corrected once), one
    published with unpublished changes, and a draft, a scheduled and a withdrawn one by the
    same writer, on the same topic, from the same outlet."""
    standards()
    topic = TopicFactory(slug="climate", name="Climate")
    outlet = OutletFactory(slug="harbour-gazette", name="Harbour Gazette")

    def make(state, marker, slug):
        return briefing_in_state(
            state,
            writer,
            editor,
            slug=slug,
            topic=topic,
            headline=f"{marker} headline",
            dek=f"{marker} dek in a sentence.",
            attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
            source_item=SourceItemFactory(outlet=outlet),
        )

    published = make("published", "Visible", "visible")
    workflow.add_correction(editor, published, "correction", "<p>We fixed a date.</p>")
    changed = make("published_changes", "Changed", "changed")
    hidden = {state: make(state, marker, f"hidden-{state}") for state, marker in HIDDEN.items()}
    return {
        "topic": topic,
        "outlet": outlet,
        "published": published,
        "changed": changed,
        "writer": writer,
        **hidden,
    }


def every_answer(client, newsroom):
    """What every operation and filter answers, as text."""
    writer = newsroom["writer"]
    paths = [
        "/briefings",
        "/briefings?limit=100",
        "/briefings?topic=climate",
        "/briefings?outlet=harbour-gazette",
        f"/briefings?author={writer.slug}",
        "/briefings?updated_since=2000-01-01T00:00:00Z",
        "/topics",
        "/topics/climate",
        "/outlets",
        "/outlets/harbour-gazette",
        "/authors",
        f"/authors/{writer.slug}",
        "/corrections",
        "/standards",
        "/briefings/visible",
        "/briefings/changed",
        *(f"/briefings/hidden-{state}" for state in HIDDEN),
    ]
    answers = {path: get(client, path) for path in paths}
    for path, answer in answers.items():
        assert answer.status_code < 500, path
    return answers


def test_no_draft_scheduled_or_withdrawn_content_through_any_operation(client, newsroom):
    answers = every_answer(client, newsroom)
    for path, answer in answers.items():
        text = answer.content.decode()
        for state, marker in HIDDEN.items():
            if state == "withdrawn" and path in {"/corrections", "/briefings/hidden-withdrawn"}:
                # Named by its headline with the notice, as the corrections page and the 410
                # page do; never its text.
                assert f"{marker} dek" not in text, path
                continue
            assert marker not in text, (path, state)
        # A live briefing's unpublished changes are not what readers see.
        assert "Second version" not in text, path
    listed = {item["slug"] for item in body(answers["/briefings?limit=100"])["items"]}
    assert listed == {"visible", "changed"}
    assert get(client, "/briefings/hidden-draft").status_code == 404
    assert get(client, "/briefings/hidden-scheduled").status_code == 404


def test_withdrawn_briefing_answers_410_problem_with_its_notice(client, newsroom):
    answer = get(client, "/briefings/hidden-withdrawn")
    assert answer.status_code == 410
    assert answer["Content-Type"] == "application/problem+json"
    problem = body(answer)
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Gone"
    assert problem["status"] == 410
    assert "Narwhalwithdrawn headline" in problem["detail"]
    assert problem["notice"]["kind"] == "withdrawal"
    assert "The source retracted its report." in problem["notice"]["body_html"]


def test_detail_is_the_live_revision_with_its_public_record(client, newsroom):
    changed = body(get(client, "/briefings/changed"))
    assert changed["sections"] == [
        {"heading": "What happened", "body_html": "<p>First version.</p>"}
    ]
    detail = body(get(client, "/briefings/visible"))
    assert detail["headline"] == "Visible headline"
    assert detail["takeaways"] == ["Takeaway 1", "Takeaway 2", "Takeaway 3"]
    assert detail["topic"]["slug"] == "climate"
    assert detail["attribution"]["kind"] == "source_assisted"
    assert detail["attribution"]["source"]["outlet"]["slug"] == "harbour-gazette"
    assert [a["slug"] for a in detail["authors"]] == [newsroom["writer"].slug]
    assert [n["kind"] for n in detail["public_record"]] == ["correction"]
    assert detail["updated_at"] > detail["published_at"]
    assert detail["standards"]["id"]
    assert detail["url"].endswith("/briefings/visible/")
    item = next(i for i in body(get(client, "/briefings"))["items"] if i["slug"] == "visible")
    assert item["api_url"].endswith("/api/v1/briefings/visible")
    assert item["url"] == detail["url"]
    assert item["authors"][0]["url"].endswith(f"/authors/{newsroom['writer'].slug}/")


def test_detail_offers_the_lead_images_renditions(client, writer, editor):
    from tests.briefings.test_renditions import _with_image

    briefing = briefing_in_state("in_review", writer, editor, slug="pictured")
    workflow.publish(editor, _with_image(briefing, 1200, 800))
    found = body(get(client, "/briefings/pictured"))["image"]
    assert found["alt"] == "A harbour" and found["credit"] == "Ana Photographer"
    assert found["source_type"] == "digitalCapture"
    assert (found["width"], found["height"]) == (1200, 800)
    widths = {(r["type"], r["width"]) for r in found["renditions"]}
    kinds = ("image/avif", "image/webp", "image/jpeg")
    assert widths == {(kind, width) for kind in kinds for width in (480, 960, 1200)}
    for rendition in found["renditions"]:  # each one is there, for anyone
        served = client.get(urlsplit(rendition["url"]).path)
        assert served.status_code == 200, rendition


def publish_many(writer, editor, count, topic):
    for n in range(count):
        briefing_in_state("published", writer, editor, slug=f"many-{n}", topic=topic)


def test_cursor_pages_walk_every_briefing_once_in_order(client, writer, editor):
    topic = TopicFactory()
    publish_many(writer, editor, 7, topic)
    Briefing.objects.update(published_at=timezone.now() - timedelta(hours=1))  # ties: by id
    seen, cursor = [], None
    while True:
        page = body(get(client, "/briefings?limit=3" + (f"&cursor={cursor}" if cursor else "")))
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = list(
        Briefing.objects.order_by("-published_at", "-id").values_list("slug", flat=True)
    )
    assert seen == expected and len(seen) == 7


@pytest.mark.parametrize("cursor", ["nonsense!", "WzEsMl0", "bm90IGpzb24", "W10", "x" * 300])
def test_a_cursor_the_api_did_not_give_is_a_400_problem(client, cursor):
    answer = get(client, f"/briefings?cursor={cursor}")
    assert answer.status_code in {400, 422}
    assert answer["Content-Type"] == "application/problem+json"
    assert body(answer)["status"] == answer.status_code


@pytest.mark.parametrize("limit", ["0", "101", "-1", "many"])
def test_limit_out_of_bounds_is_a_422_problem(client, limit):
    answer = get(client, f"/briefings?limit={limit}")
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = body(answer)
    assert problem["title"] == "Unprocessable Content"
    assert problem["errors"][0]["loc"][-1] == "limit"


def test_unknown_filters_and_addresses_are_404_problems(client, newsroom):
    for path in [
        "/briefings?topic=nowhere",
        "/briefings?author=nobody",
        "/outlets/nowhere",
        "/no/such/operation",
        "/standards/999999",
        "/",
    ]:
        answer = get(client, path)
        assert answer.status_code == 404, path
        assert answer["Content-Type"] == "application/problem+json"


def test_naive_or_out_of_range_updated_since_is_a_400_problem(client):
    assert get(client, "/briefings?updated_since=2026-01-01T00:00:00").status_code == 400
    assert get(client, "/briefings?updated_since=9999-12-31T23:59:59-23:00").status_code == 400


def test_updated_since_counts_publication_and_later_notes(client, newsroom, editor):
    Briefing.objects.filter(slug__in=["visible", "changed"]).update(
        published_at=timezone.now() - timedelta(days=3)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    # Published three days ago; "visible" was corrected just now.
    found = body(get(client, f"/briefings?updated_since={since}"))["items"]
    assert [item["slug"] for item in found] == ["visible"]
    workflow.add_correction(editor, newsroom["changed"], "update", "<p>More news.</p>")
    found = body(get(client, f"/briefings?updated_since={since}"))["items"]
    assert [item["slug"] for item in found] == ["changed", "visible"]
    assert found[0]["updated_at"] > found[0]["published_at"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert body(client.get(f"{API}/briefings", {"updated_since": later}))["items"] == []


def test_etag_and_last_modified_answer_304(client, newsroom):
    first = get(client, "/briefings/visible")
    assert first["ETag"] and first["Last-Modified"]
    again = get(client, "/briefings/visible", if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    since = get(client, "/briefings/visible", if_modified_since=first["Last-Modified"])
    assert since.status_code == 304
    older = http_date((timezone.now() - timedelta(days=30)).timestamp())
    assert get(client, "/briefings/visible", if_modified_since=older).status_code == 200
    listing = get(client, "/briefings")
    assert get(client, "/briefings", if_none_match=listing["ETag"]).status_code == 304


def test_publication_clears_cached_answers(
    client, newsroom, writer, editor, django_capture_on_commit_callbacks
):
    before = get(client, "/briefings")
    assert "Latest news" not in before.content.decode()
    # Written behind the cache's back: the cached answer stands until a publication.
    Briefing.objects.filter(slug="visible").update(slug="renamed")
    assert get(client, "/briefings").content == before.content
    with django_capture_on_commit_callbacks(execute=True):
        briefing_in_state("published", writer, editor, headline="Latest news", slug="latest")
    after = get(client, "/briefings", if_none_match=before["ETag"])
    assert after.status_code == 200
    assert body(after)["items"][0]["headline"] == "Latest news"
    # A correction clears the detail too.
    detail = get(client, "/briefings/latest")
    with django_capture_on_commit_callbacks(execute=True):
        latest = Briefing.objects.get(slug="latest")
        workflow.add_correction(editor, latest, "update", "<p>New.</p>")
    assert get(client, "/briefings/latest", if_none_match=detail["ETag"]).status_code == 200


def test_withdrawal_clears_cached_detail(
    client, newsroom, editor, django_capture_on_commit_callbacks
):
    assert get(client, "/briefings/visible").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(editor, newsroom["published"], "Retracted.")
    assert get(client, "/briefings/visible").status_code == 410


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = 3
    answers = [get(client, "/topics") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert body(limited)["title"] == "Too Many Requests"
    # Per client address: another one is not limited.
    assert client.get(API + "/topics", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_cors_for_reads_from_any_origin(client, newsroom):
    answer = client.get(API + "/briefings", headers={"origin": "https://elsewhere.example"})
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer
    assert "ETag" in answer["Access-Control-Expose-Headers"]
    preflight = client.options(
        API + "/briefings/visible",
        headers={"origin": "https://elsewhere.example", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert (
        body(get(client, "/no/such"))
        and get(client, "/no/such")["Access-Control-Allow-Origin"] == "*"
    )


def test_writes_are_refused_with_a_problem(client, newsroom):
    answer = client.post(API + "/briefings", {"headline": "x"})
    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD, OPTIONS"
    assert answer["Content-Type"] == "application/problem+json"


def test_head_answers_like_get_without_a_body(client, newsroom):
    answer = client.head(API + "/briefings/visible")
    assert answer.status_code == 200 and answer.content == b""
    assert answer["ETag"] == get(client, "/briefings/visible")["ETag"]


def test_schema_documents_problem_details(client):
    schema = body(get(client, "/openapi.json"))
    answers = schema["paths"]["/api/v1/briefings"]["get"]["responses"]
    assert set(answers) >= {"200", "400", "404", "422", "429"}
    assert list(answers["400"]["content"]) == ["application/problem+json"]
    assert list(answers["200"]["content"]) == ["application/json"]


def test_docs_page_uses_our_static_files_and_its_own_policy(client):
    docs = get(client, "/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    policy = docs["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe" not in policy.split("script-src")[1].split(";")[0]
    )
    # Only that page: elsewhere images stay 'self' alone.
    assert "data:" not in get(client, "/openapi.json")["Content-Security-Policy"]
    assert "data:" not in client.get("/")["Content-Security-Policy"]


def test_standards_current_and_by_version(client):
    first = standards(effective_at=timezone.now() - timedelta(days=10), change_summary="One.")
    second = standards(change_summary="Two.")
    standards(effective_at=timezone.now() + timedelta(days=5), change_summary="Not yet.")
    current = body(get(client, "/standards"))
    assert current["id"] == second.pk and current["current"]
    assert [v["change_summary"] for v in current["history"]] == ["Two.", "One."]
    old = body(get(client, f"/standards/{first.pk}"))
    assert old["change_summary"] == "One." and not old["current"]


def test_no_standards_yet_is_a_404_problem(client):
    assert get(client, "/standards").status_code == 404


def test_corrections_log_pages_newest_first(client, newsroom, editor):
    for n in range(3):
        workflow.add_correction(editor, newsroom["published"], "update", f"<p>Update {n}</p>")
    page = body(get(client, "/corrections?limit=2"))
    assert [note["body_html"] for note in page["items"]] == ["<p>Update 2</p>", "<p>Update 1</p>"]
    rest = body(get(client, f"/corrections?limit=10&cursor={page['next_cursor']}"))
    kinds = [note["kind"] for note in rest["items"]]
    assert kinds == ["update", "withdrawal", "correction"] and rest["next_cursor"] is None
    withdrawn = next(n for n in rest["items"] if n["kind"] == "withdrawal")
    assert withdrawn["briefing"]["withdrawn"] is True


def test_authors_are_only_people_with_published_bylines(client, newsroom, editor):
    slugs = [a["slug"] for a in body(get(client, "/authors"))["items"]]
    assert slugs == [newsroom["writer"].slug]
    assert get(client, f"/authors/{editor.slug}").status_code == 404
    assert get(client, f"/briefings?author={editor.slug}").status_code == 404


def queries_for(path, client):
    with CaptureQueriesContext(connection) as context:
        answer = client.get(API + path)
    assert answer.status_code == 200
    return len(context.captured_queries)


def test_list_and_detail_queries_do_not_grow_with_the_page(client, writer, editor, settings):
    settings.API_RATE_LIMIT = 0
    topic = TopicFactory()
    publish_many(writer, editor, 12, topic)
    for briefing in Briefing.objects.all():
        workflow.add_correction(editor, briefing, "update", "<p>Later.</p>")
    # Each with a query string, so none comes from the page cache.
    small = queries_for("/briefings?limit=5", client)
    large = queries_for("/briefings?limit=50", client)
    assert small == large == 3  # briefings, their bylines, the latest public note
    assert queries_for("/briefings/many-3?fresh=1", client) == 3  # briefing, notes, byline
    assert queries_for("/corrections?limit=5", client) == queries_for(
        "/corrections?limit=50", client
    )


def test_query_count_constant_with_django_assert_num_queries(
    client, writer, editor, django_assert_num_queries
):
    topic = TopicFactory()
    publish_many(writer, editor, 8, topic)
    for limit in (5, 50):
        with django_assert_num_queries(3):
            client.get(f"{API}/briefings?limit={limit}")


def test_sections_survive_edits_to_the_working_copy(client, newsroom, writer):
    Section.objects.filter(briefing=newsroom["published"]).update(body="<p>Unpublished.</p>")
    workflow.save_working_copy(writer, newsroom["published"])
    assert "Unpublished" not in get(client, "/briefings/visible?x=1").content.decode()
    assert PublicNote.objects.count() == 2
