"""Corrections, clarifications, updates and withdrawals: the public record. Each is a dated
note that appears at once beside the live revision, changes the page's updated date, is listed
on the public corrections log, and is never dropped, reworded or re-dated afterwards."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from briefings import workflow
from briefings.models import Briefing, PublicNote, PublicRecordIsPermanent
from briefings.views import CORRECTIONS_PAGE_SIZE
from tests.factories import briefing_in_state, change_form_data

pytestmark = pytest.mark.django_db

# One page of notes (and one more, for "Older") with their headlines, the site's topics
# (navigation); the notes are never counted.
QUERIES_PER_LOG_PAGE = 2


def test_a_correction_appears_at_once_without_publishing_pending_edits(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    live = briefing.live_revision
    client.force_login(editor)
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/workflow/correct/",
        {"kind": "correction", "body": "<p>The gate failed twice, not three times.</p>"},
    )
    assert response.status_code == 302
    client.logout()
    cache.clear()

    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "The gate failed twice, not three times." in page
    assert "First version." in page and "Second version." not in page
    assert "Corrected <time" in page

    briefing.refresh_from_db()
    assert briefing.has_unpublished_changes  # the pending edit is still pending
    assert briefing.live_revision == live  # no revision was rewritten to carry the note
    [note] = briefing.public_notes.all()
    assert (note.kind, note.revision, note.created_by) == ("correction", live, editor)


def test_publishing_and_restoring_leave_the_public_record_alone(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    first = briefing.live_revision
    workflow.add_correction(editor, briefing, "clarification", "<p>We meant the east gate.</p>")
    note = briefing.public_notes.get()
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    workflow.restore_revision(editor, briefing, first)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)

    assert list(briefing.public_notes.values_list("pk", "kind", "body", "created_at")) == [
        (note.pk, note.kind, note.body, note.created_at)
    ]
    cache.clear()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert page.count("<p>We meant the east gate.</p>") == 1


def test_editing_the_working_copy_cannot_touch_a_published_note(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>Two gates, not three.</p>")
    client.force_login(writer)
    data = change_form_data(briefing, dek="A later edit.")
    assert client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data).status_code == 302
    assert briefing.public_notes.get().body == "<p>Two gates, not three.</p>"
    # Nothing on the change form offers the notes of the public record for editing.
    html = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    assert 'value="correction"' not in html.split('id="briefing_form"')[1]


def test_the_public_record_refuses_orm_edits_and_deletion(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    note = workflow.add_correction(editor, briefing, "correction", "<p>Two gates.</p>")
    note.body = "<p>Quietly reworded.</p>"
    with pytest.raises(PublicRecordIsPermanent):
        note.save()
    with pytest.raises(PublicRecordIsPermanent):
        PublicNote.objects.filter(pk=note.pk).update(created_at=timezone.now())
    with pytest.raises(PublicRecordIsPermanent):
        PublicNote.objects.filter(pk=note.pk).delete()
    with pytest.raises(PublicRecordIsPermanent):
        note.delete()
    with pytest.raises(ProtectedError):
        Briefing.objects.filter(pk=briefing.pk).delete()
    fresh = PublicNote.objects.get(pk=note.pk)
    assert (fresh.body, fresh.created_at) == ("<p>Two gates.</p>", note.created_at)


def test_corrections_need_a_dated_kind_and_text(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    with pytest.raises(ValidationError):
        workflow.add_correction(editor, briefing, "note", "<p>Not a correction</p>")
    with pytest.raises(ValidationError):
        workflow.add_correction(editor, briefing, "withdrawal", "<p>Not this way</p>")
    with pytest.raises(ValidationError):
        workflow.add_correction(editor, briefing, "correction", "<p> </p>")
    assert not briefing.public_notes.exists()


def test_the_corrections_log_lists_every_note_in_date_order_with_links(client, writer, editor):
    first = briefing_in_state("published", writer, editor, headline="Gate trial ends")
    second = briefing_in_state("published", writer, editor, headline="Night trains added")
    workflow.add_correction(editor, first, "correction", "<p>Oldest correction.</p>")
    workflow.add_correction(editor, second, "update", "<p>Middle update.</p>")
    workflow.add_correction(editor, first, "clarification", "<p>Newest clarification.</p>")

    response = client.get("/corrections/")
    page = response.content.decode()
    assert response.status_code == 200
    newest, middle, oldest = (
        page.index(text)
        for text in ("Newest clarification.", "Middle update.", "Oldest correction.")
    )
    assert newest < middle < oldest  # strict date order, not grouped by briefing
    assert f'href="{first.get_absolute_url()}"' in page
    assert f'href="{second.get_absolute_url()}"' in page


def test_a_withdrawal_is_on_the_record_with_its_reason(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor, headline="Gate trial ends")
    workflow.add_correction(editor, briefing, "correction", "<p>A fix.</p>")
    workflow.withdraw(editor, briefing, "The source retracted its report.")

    log = client.get("/corrections/").content.decode()
    assert log.index("The source retracted its report.") < log.index("A fix.")
    assert "Withdrawal" in log and "Gate trial ends" in log
    gone = client.get(briefing.get_absolute_url())
    assert gone.status_code == 410
    assert "The source retracted its report." in gone.content.decode()


def test_notes_of_briefings_readers_never_saw_stay_off_the_log(client, writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    with pytest.raises(PermissionDenied):
        workflow.add_correction(editor, briefing, "correction", "<p>Too early.</p>")
    assert "Too early." not in client.get("/corrections/").content.decode()


def corrected_briefings(writer, editor, count):
    for i in range(count):
        briefing = briefing_in_state("published", writer, editor)
        workflow.add_correction(editor, briefing, "correction", f"<p>Fix {i}.</p>")
        workflow.add_correction(editor, briefing, "update", f"<p>Update {i}.</p>")


def test_the_corrections_log_costs_the_same_queries_however_long_it_grows(
    client, writer, editor, django_assert_num_queries
):
    corrected_briefings(writer, editor, 1)
    with django_assert_num_queries(QUERIES_PER_LOG_PAGE):
        client.get("/corrections/")
    corrected_briefings(writer, editor, CORRECTIONS_PAGE_SIZE)
    cache.clear()
    with django_assert_num_queries(QUERIES_PER_LOG_PAGE) as queries:
        page = client.get("/corrections/").content.decode()
    assert page.count('class="correction-entry') == CORRECTIONS_PAGE_SIZE
    assert "Page 1</span>" in page and 'rel="next" href="?page=2"' in page
    # The database sorts and pages the notes; no snapshot is loaded.
    [notes] = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"]]
    assert "publicnote" in notes.lower() and f"LIMIT {CORRECTIONS_PAGE_SIZE + 1}" in notes
    assert "ORDER BY" in notes and '"data"' not in notes


def test_a_writer_cannot_add_a_correction(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/workflow/correct/",
        {"kind": "correction", "body": "<p>Sneaky</p>"},
    )
    assert response.status_code == 403
    assert not briefing.public_notes.exists()


def test_a_correction_on_a_scheduled_briefing_waits_until_it_is_live(writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    with pytest.raises(PermissionDenied):
        workflow.add_correction(editor, briefing, "correction", "<p>Too early.</p>")
    Briefing.objects.filter(pk=briefing.pk).update(published_at=timezone.now() - timedelta(1))
    briefing.refresh_from_db()
    workflow.add_correction(editor, briefing, "correction", "<p>Now it is live.</p>")
    assert briefing.public_notes.get().body == "<p>Now it is live.</p>"
