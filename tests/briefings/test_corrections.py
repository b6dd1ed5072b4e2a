"""Corrections, clarifications and updates: dated public notes that appear at once, change
the page's updated date, and are listed on the public corrections log."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from briefings import workflow
from briefings.models import Briefing, EditorsNote
from briefings.views import CORRECTIONS_PAGE_SIZE
from tests.factories import briefing_in_state, change_form_data

pytestmark = pytest.mark.django_db

# The paginator's count, one page of briefings with their notes, the site's topics (navigation).
QUERIES_PER_LOG_PAGE = 3


def test_a_correction_appears_at_once_without_publishing_pending_edits(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
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
    assert "Updated" in page

    briefing.refresh_from_db()
    assert briefing.has_unpublished_changes  # the pending edit is still pending
    assert briefing.notes.filter(kind=EditorsNote.Kind.CORRECTION).count() == 1
    assert briefing.live_revision.corrected_at is not None


def test_the_next_publication_keeps_the_correction(writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    workflow.add_correction(editor, briefing, "clarification", "<p>We meant the east gate.</p>")
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    page = briefing.live_revision.as_briefing()
    assert [n.kind for n in page.notes_list] == ["clarification"]
    assert page.updated_at is not None


def test_corrections_need_a_dated_kind_and_text(writer, editor):
    from django.core.exceptions import ValidationError

    briefing = briefing_in_state("published", writer, editor)
    with pytest.raises(ValidationError):
        workflow.add_correction(editor, briefing, "note", "<p>Not a correction</p>")
    with pytest.raises(ValidationError):
        workflow.add_correction(editor, briefing, "correction", "<p> </p>")


def test_the_corrections_log_lists_notes_newest_first_with_links(client, writer, editor):
    first = briefing_in_state("published", writer, editor, headline="Gate trial ends")
    second = briefing_in_state("published", writer, editor, headline="Night trains added")
    workflow.add_correction(editor, first, "correction", "<p>Older correction.</p>")
    workflow.add_correction(editor, second, "update", "<p>Newer update.</p>")
    # A note added to a working copy but never published stays off the log.
    draft = briefing_in_state("draft", writer, editor)
    draft.notes.create(position=1, kind="correction", body="<p>Unpublished note.</p>")

    response = client.get("/corrections/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Newer update.") < page.index("Older correction.")
    assert f'href="{first.get_absolute_url()}"' in page
    assert f'href="{second.get_absolute_url()}"' in page
    assert "Unpublished note." not in page


def test_withdrawn_briefings_leave_the_corrections_log(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>A fix.</p>")
    workflow.withdraw(editor, briefing, "Retracted.")
    assert "A fix." not in client.get("/corrections/").content.decode()


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
    corrected_briefings(writer, editor, CORRECTIONS_PAGE_SIZE + 1)
    cache.clear()
    with django_assert_num_queries(QUERIES_PER_LOG_PAGE) as queries:
        page = client.get("/corrections/").content.decode()
    assert page.count('class="correction-entry"') == CORRECTIONS_PAGE_SIZE
    assert "Page 1 of 2" in page
    # The database pages through the log and sends one page's notes, not whole snapshots.
    [notes] = [q["sql"] for q in queries.captured_queries if "notes" in q["sql"]]
    assert f"LIMIT {CORRECTIONS_PAGE_SIZE}" in notes
    assert "sections" not in notes


def test_the_corrections_log_groups_notes_under_their_briefing_across_pages(client, writer, editor):
    corrected_briefings(writer, editor, CORRECTIONS_PAGE_SIZE + 1)
    first = client.get("/corrections/").content.decode()
    second = client.get("/corrections/?page=2").content.decode()
    assert "Fix 0." in second and "Update 0." in second  # the earliest corrected is last
    assert "Fix 0." not in first
    assert second.index("Update 0.") < second.index("Fix 0.")  # newest first
    assert first.index(f"Update {CORRECTIONS_PAGE_SIZE}.") < first.index("Update 1.")


# Published corrections stay: the admin keeps them as they are, and publishing carries them
# over even when the working copy lost or changed them some other way.

EDITS = [
    {"notes-0-DELETE": "on"},
    {"notes-0-body": "<p>Quietly reworded.</p>"},
    {"notes-0-kind": "note"},
    {"notes-0-created_at_0": "2020-01-01"},
]
EDIT_IDS = ["deleted", "reworded", "demoted", "backdated"]


def corrected(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>Two gates, not three.</p>")
    briefing.refresh_from_db()
    return briefing


@pytest.mark.parametrize("edit", EDITS, ids=EDIT_IDS)
def test_the_admin_keeps_a_published_correction_as_it_is(client, writer, editor, edit):
    briefing = corrected(writer, editor)
    note = briefing.notes.get()
    client.force_login(writer)
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/change/", change_form_data(briefing, **edit)
    )
    if "notes-0-DELETE" in edit:
        assert response.status_code == 200
        assert "A correction, clarification or update stays on the page" in response.text
    else:
        assert response.status_code == 302
    assert briefing.notes.get() == note
    unchanged = briefing.notes.get()
    assert (unchanged.kind, unchanged.body, unchanged.created_at) == (
        note.kind,
        note.body,
        note.created_at,
    )


@pytest.mark.parametrize("edit", EDIT_IDS)
def test_a_published_correction_survives_edits_to_the_working_copy(client, writer, editor, edit):
    briefing = corrected(writer, editor)
    [note] = briefing.live_revision.data["notes"]
    notes = briefing.notes.all()
    if edit == "deleted":
        notes.delete()
    else:
        changes = {
            "reworded": {"body": "<p>Quietly reworded.</p>"},
            "demoted": {"kind": "note"},
            "backdated": {"created_at": timezone.now() - timedelta(days=2000)},
        }[edit]
        notes.update(**changes)
    Briefing.objects.filter(pk=briefing.pk).update(has_unpublished_changes=True)

    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    cache.clear()
    briefing.refresh_from_db()

    live = briefing.live_revision.data["notes"]
    assert [(n["kind"], n["body"], n["created_at"]) for n in live] == [
        ("correction", "<p>Two gates, not three.</p>", note["created_at"])
    ]
    assert briefing.notes.get().body == "<p>Two gates, not three.</p>"  # working copy too
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "Two gates, not three." in page and "Quietly reworded." not in page
    log = client.get("/corrections/").content.decode()
    assert "Two gates, not three." in log


def test_a_new_dated_note_in_the_working_copy_is_published_beside_the_old_ones(
    client, writer, editor
):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>Two gates.</p>")
    briefing.notes.create(position=2, kind="update", body="<p>Reviewed update.</p>")
    Briefing.objects.filter(pk=briefing.pk).update(has_unpublished_changes=True)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    briefing.refresh_from_db()
    bodies = [n["body"] for n in briefing.live_revision.data["notes"]]
    assert bodies == ["<p>Two gates.</p>", "<p>Reviewed update.</p>"]


def test_carrying_a_correction_back_makes_open_forms_conflict(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>Two gates.</p>")
    briefing.notes.all().delete()
    Briefing.objects.filter(pk=briefing.pk).update(status="in_review")
    briefing.refresh_from_db()
    before = briefing.version
    workflow.publish(editor, briefing, expected_version=before)
    briefing.refresh_from_db()
    assert briefing.version == before + 1


def test_a_writer_cannot_add_a_correction(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/workflow/correct/",
        {"kind": "correction", "body": "<p>Sneaky</p>"},
    )
    assert response.status_code == 403


def test_a_correction_on_a_scheduled_briefing_waits_until_it_is_live(writer, editor):
    briefing = briefing_in_state("scheduled", writer, editor)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        workflow.add_correction(editor, briefing, "correction", "<p>Too early.</p>")
    Briefing.objects.filter(pk=briefing.pk).update(published_at=timezone.now() - timedelta(1))
    briefing.refresh_from_db()
    workflow.add_correction(editor, briefing, "correction", "<p>Now it is live.</p>")
