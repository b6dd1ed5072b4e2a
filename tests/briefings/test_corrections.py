"""Corrections, clarifications and updates: dated public notes that appear at once, change
the page's updated date, and are listed on the public corrections log."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from briefings import workflow
from briefings.models import Briefing, EditorsNote
from tests.factories import briefing_in_state

pytestmark = pytest.mark.django_db


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


def test_the_corrections_log_costs_the_same_queries_however_many_notes(
    client, writer, editor, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            briefing = briefing_in_state("published", writer, editor)
            workflow.add_correction(editor, briefing, "correction", f"<p>Fix {i}.</p>")
            workflow.add_correction(editor, briefing, "update", f"<p>Update {i}.</p>")

    add(1)
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/corrections/")
    add(4)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/corrections/")
    assert len(many) == len(few)


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
