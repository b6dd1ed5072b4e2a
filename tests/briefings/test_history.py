"""Readers' version history: the versions they saw of a briefing, and what changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from briefings import workflow
from briefings.models import Briefing, Section, Takeaway
from tests.factories import briefing_in_state

pytestmark = pytest.mark.django_db


def history_url(briefing) -> str:
    return f"/briefings/{briefing.slug}/history/"


def republish(writer, editor, briefing, **changes) -> Briefing:
    """Edit the working copy of a live briefing and take the edit through review again."""
    if "headline" in changes:
        Briefing.objects.filter(pk=briefing.pk).update(headline=changes["headline"])
    if "takeaway" in changes:
        Takeaway.objects.filter(briefing=briefing, position=2).update(text=changes["takeaway"])
    if "section" in changes:
        Section.objects.filter(briefing=briefing).update(body=changes["section"])
    workflow.save_working_copy(writer, briefing)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    return briefing


def test_briefing_page_links_its_history(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    html = client.get(briefing.get_absolute_url()).text
    assert f'href="{history_url(briefing)}">Version history</a>' in html


def test_history_lists_the_versions_readers_saw_and_not_the_desks_revisions(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor, headline="First headline")
    first = briefing.live_revision
    # Saves keep drafts, revisions readers never see.
    Briefing.objects.filter(pk=briefing.pk).update(headline="Never published")
    workflow.save_working_copy(writer, briefing)
    workflow.restore_revision(writer, briefing, first)
    republish(writer, editor, briefing, headline="Second headline")
    kinds = list(briefing.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["publication", "draft", "draft", "publication"]

    html = client.get(history_url(briefing)).text

    assert html.count("<strong>Version ") == 2
    assert html.index("<strong>Version 2</strong>") < html.index("<strong>Version 1</strong>")
    assert "Second headline" in html
    assert "First headline" in html
    assert "Never published" not in html
    assert "(the current version)" in html
    assert f'href="{history_url(briefing)}1/2/">What changed from version 1</a>' in html


def test_comparison_marks_changed_words_in_the_text_readers_see(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    republish(
        writer,
        editor,
        briefing,
        takeaway="Takeaway two, corrected",
        section="<p>Second version.</p>",
    )

    response = client.get(f"{history_url(briefing)}1/2/")

    html = response.text
    assert response.status_code == 200
    assert "<h2>Key takeaways</h2>" in html
    assert "2. Takeaway <del>2</del>" in html
    assert "2. Takeaway <ins>two, corrected</ins>" in html
    assert "<del>First</del>" in html
    assert "<ins>Second</ins>" in html
    # Only what readers see: the desk's fields (address, topic, sourcing) are not compared.
    assert "Address (slug)" not in html
    assert "Sourcing" not in html
    assert "Unchanged: headline, summary" in html


def test_comparison_form_redirects_to_the_comparisons_own_address(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    republish(writer, editor, briefing, headline="Changed")

    response = client.get(history_url(briefing), {"old": "2", "new": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{history_url(briefing)}1/2/"


@pytest.mark.parametrize("pair", ["1/1", "2/1", "1/3", "0/1"])
def test_comparing_versions_that_do_not_exist_is_not_found(client, writer, editor, pair):
    briefing = briefing_in_state("published", writer, editor)
    republish(writer, editor, briefing, headline="Changed")
    assert client.get(f"{history_url(briefing)}{pair}/").status_code == 404


@pytest.mark.parametrize(
    ("state", "status"),
    [("draft", 404), ("in_review", 404), ("changes_requested", 404), ("withdrawn", 410)],
)
def test_briefings_readers_cannot_see_expose_no_history(client, writer, editor, state, status):
    briefing = briefing_in_state(state, writer, editor, headline="Secret headline")

    for url in (history_url(briefing), f"{history_url(briefing)}1/2/"):
        response = client.get(url)
        assert response.status_code == status
        assert "Version 1" not in response.text
    if status == 410:
        assert "has been withdrawn" in response.text


def test_scheduled_briefing_has_no_history_until_its_time(client, writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)

    assert client.get(history_url(briefing)).status_code == 404
    assert client.get(f"{history_url(briefing)}1/2/").status_code == 404

    Briefing.objects.filter(pk=briefing.pk).update(published_at=timezone.now() - timedelta(1))
    html = client.get(history_url(briefing)).text
    assert "<strong>Version 1</strong>" in html
    assert "(the current version)" in html


def test_scheduled_publication_is_dated_at_its_publish_time(client, writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    when = timezone.now() - timedelta(hours=3)
    Briefing.objects.filter(pk=briefing.pk).update(published_at=when)
    workflow.publish_due_scheduled()

    html = client.get(history_url(briefing)).text

    assert f'<time datetime="{timezone.localtime(when).isoformat(timespec="seconds")}">' in html
    assert html.count("<strong>Version ") == 1


def test_cancelled_schedule_leaves_no_version_behind(client, writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    workflow.unschedule(editor, briefing)
    workflow.publish(editor, briefing)

    html = client.get(history_url(briefing)).text

    assert html.count("<strong>Version ") == 1


def test_history_is_cached_and_cleared_by_the_next_publication(
    client, writer, editor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    briefing = briefing_in_state("published", writer, editor)
    client.get(history_url(briefing))
    with django_assert_num_queries(0):
        client.get(history_url(briefing))
    with django_capture_on_commit_callbacks(execute=True):
        republish(writer, editor, briefing, headline="Changed")
    assert "<strong>Version 2</strong>" in client.get(history_url(briefing)).text
