"""Revisions: what readers see is frozen at publication; reviewers compare versions and
anyone who may edit can restore an earlier one."""

import pytest

from briefings import diff, workflow
from briefings.models import Briefing
from briefings.snapshot import Snapshot
from tests.factories import briefing_in_state, change_form_data

pytestmark = pytest.mark.django_db


def test_the_public_page_renders_the_live_revision_not_the_working_copy(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "First version." in page
    assert "Second version." not in page


def test_reviewers_see_fields_and_children_compared_with_the_live_revision(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    Briefing.objects.filter(pk=briefing.pk).update(headline="A sharper headline")
    briefing.takeaways.filter(position=3).delete()

    client.force_login(editor)
    page = client.get(f"/admin/briefings/briefing/{briefing.pk}/compare/").content.decode()

    assert "Revision 1 (live) → the working copy: 3 parts changed." in page
    assert "<del>First</del>" in page and "<ins>Second</ins>" in page
    assert "A sharper headline" in page
    assert "3. Takeaway 3" in page  # a removed child shows on the live side


def test_two_revisions_can_be_compared(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    client.force_login(writer)
    page = client.get(
        f"/admin/briefings/briefing/{briefing.pk}/compare/?from=1&to=3"
    ).content.decode()
    assert "Revision 1 → revision 3: 1 part changed." in page
    missing = client.get(f"/admin/briefings/briefing/{briefing.pk}/compare/?from=9")
    assert missing.status_code == 404


def test_an_earlier_revision_can_be_viewed_as_readers_saw_it(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    client.force_login(writer)
    response = client.get(f"/preview/{briefing.pk}/revisions/1/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "First version." in page and "Second version." not in page
    assert "preview-banner" in page and "revision 1" in page
    client.logout()
    assert client.get(f"/preview/{briefing.pk}/revisions/1/").status_code == 302


def test_restoring_a_revision_fills_the_draft_is_logged_and_stays_private(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)  # revision 3 says "Second version." (2 is its draft)

    client.force_login(writer)
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/revisions/1/restore/",
        {"version": str(briefing.version), "confirm": "yes"},
    )
    assert response.status_code == 302

    briefing.refresh_from_db()
    assert briefing.sections.get().body == "<p>First version.</p>"
    assert briefing.has_unpublished_changes
    assert briefing.live_revision.number == 3
    event = briefing.transitions.first()
    assert (event.action, event.user, event.revision.number) == ("restore", writer, 1)
    client.logout()
    assert "Second version." in client.get(briefing.get_absolute_url()).content.decode()


def test_restoring_bumps_the_version_so_open_forms_get_a_conflict(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    before = briefing.version
    workflow.restore_revision(writer, briefing, briefing.revisions.get(number=1))
    briefing.refresh_from_db()
    assert briefing.version == before + 1
    assert not briefing.has_unpublished_changes  # restoring the live revision changes nothing
    assert briefing.revisions.count() == 1  # nor is an unchanged working copy frozen again


def test_restoring_keeps_unpublished_edits_as_a_revision_to_restore_back(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    # Edited without a save (as a script might): the working copy is no revision yet.
    briefing.sections.update(body="<p>Second version.</p>")
    client.force_login(editor)
    client.post(
        f"/admin/briefings/briefing/{briefing.pk}/revisions/1/restore/",
        {"version": str(briefing.version), "confirm": "yes"},
    )

    briefing.refresh_from_db()
    assert briefing.sections.get().body == "<p>First version.</p>"
    kept = briefing.revisions.get(number=2)
    assert [s.body for s in kept.snapshot.sections] == ["<p>Second version.</p>"]
    assert briefing.live_revision.number == 1  # kept, not published
    event = briefing.transitions.first()
    assert "kept as revision 2" in event.comment
    page = client.get(f"/admin/briefings/briefing/{briefing.pk}/revisions/").content.decode()
    assert f"/admin/briefings/briefing/{briefing.pk}/revisions/2/restore/" in page

    workflow.restore_revision(editor, briefing, kept, expected_version=briefing.version)
    briefing.refresh_from_db()
    assert briefing.sections.get().body == "<p>Second version.</p>"


def test_restoring_from_a_stale_page_is_refused(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    stale = briefing.version
    client.force_login(writer)
    client.post(
        f"/admin/briefings/briefing/{briefing.pk}/change/",
        change_form_data(briefing, dek="A dek saved after the revisions page was opened."),
    )
    client.force_login(editor)
    for data in ({"version": str(stale), "confirm": "yes"}, {"confirm": "yes"}):
        response = client.post(
            f"/admin/briefings/briefing/{briefing.pk}/revisions/1/restore/", data, follow=True
        )
        assert "The briefing changed since you opened it" in response.content.decode()
        briefing.refresh_from_db()
        assert briefing.dek == "A dek saved after the revisions page was opened."
        assert not briefing.transitions.filter(action="restore").exists()
    with pytest.raises(workflow.BriefingChanged):
        workflow.restore_revision(
            editor, briefing, briefing.revisions.get(number=1), expected_version=stale
        )


def test_the_revisions_page_carries_the_version_it_shows_to_the_restore(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(editor)
    page = client.get(f"/admin/briefings/briefing/{briefing.pk}/revisions/").content.decode()
    assert f'revisions/1/restore/?version={briefing.version}"' in page
    restore = client.get(f"/admin/briefings/briefing/{briefing.pk}/revisions/1/restore/?version=3")
    assert 'name="version" value="3"' in restore.content.decode()


def test_restoring_an_earlier_revision_keeps_published_corrections(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    workflow.add_correction(editor, briefing, "correction", "<p>Two gates, not three.</p>")
    briefing.refresh_from_db()
    workflow.restore_revision(editor, briefing, briefing.revisions.get(number=1))
    assert list(briefing.public_notes.values_list("kind", "body")) == [
        ("correction", "<p>Two gates, not three.</p>")
    ]


def test_word_level_diff_marks_only_what_changed():
    [row] = diff.compare_lines(["The gate failed twice."], ["The gate failed three times."])
    assert row.kind == "changed"
    assert row.old == "The gate failed <del>twice</del>."
    assert row.new == "The gate failed <ins>three times</ins>."


def test_diff_escapes_text_and_reads_rich_text_as_lines():
    [row] = diff.compare_lines([], ["<script>alert(1)</script>"])
    assert "<script>" not in row.new
    assert diff.rich_text_lines("<p>One</p><ul><li>Two</li></ul>") == ["One", "• Two"]


def test_unchanged_snapshots_have_no_changed_parts(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    parts = diff.compare(briefing.live_revision.snapshot, Snapshot.of(briefing))
    assert parts and not [part for part in parts if part.changed]
