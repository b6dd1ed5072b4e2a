"""Credits on the briefing page come from the workflow's log, not from a typed note."""

import json
import re

import pytest

from briefings import workflow
from briefings.credits import Credits
from briefings.models import Briefing, EditorsNote, Section
from tests.factories import (
    BriefingFactory,
    UserFactory,
    add_children,
    briefing_in_state,
    complete_briefing,
)

pytestmark = pytest.mark.django_db


def credits_line(html: str) -> str:
    match = re.search(r'<p class="credits">(.*?)</p>', html)
    return match[1] if match else ""


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


@pytest.fixture
def people():
    return {
        "writer": UserFactory(role="Writers", display_name="Ann Writer"),
        "reviewer": UserFactory(role="Editors", display_name="Ben Reviewer"),
        "approver": UserFactory(role="Editors", display_name="Cas Approver"),
    }


def reviewed_and_published(people) -> Briefing:
    writer, reviewer, approver = people["writer"], people["reviewer"], people["approver"]
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing)
    workflow.request_changes(reviewer, briefing, "Source the second takeaway.")
    workflow.submit_for_review(writer, briefing)
    workflow.publish(approver, briefing)
    briefing.refresh_from_db()
    return briefing


def test_page_credits_writer_editor_and_approver_from_the_log(client, people):
    briefing = reviewed_and_published(people)

    html = client.get(briefing.get_absolute_url()).text

    assert (
        credits_line(html)
        == "Written by Ann Writer. Edited by Ben Reviewer. Approved by Cas Approver."
    )


def test_json_ld_names_author_editor_and_approving_editor(client, people):
    briefing = reviewed_and_published(people)

    data = json_ld(client.get(briefing.get_absolute_url()).text)

    assert data["author"] == [{"@type": "Person", "name": "Ann Writer"}]
    assert data["editor"] == [{"@type": "Person", "name": "Ben Reviewer"}]
    assert data["contributor"] == {
        "@type": "Role",
        "roleName": "Approving editor",
        "contributor": {"@type": "Person", "name": "Cas Approver"},
    }


def test_approver_is_who_published_the_live_revision(client, people):
    briefing = reviewed_and_published(people)
    other = UserFactory(role="Editors", display_name="Dee Second")
    Section.objects.filter(briefing=briefing).update(body="<p>Second version.</p>")
    workflow.save_working_copy(people["writer"], briefing)
    workflow.submit_for_review(people["writer"], briefing)
    workflow.publish(other, briefing)

    line = credits_line(client.get(briefing.get_absolute_url()).text)

    # The first approver edited a version readers saw; the second approved the live one.
    assert line == (
        "Written by Ann Writer. Edited by Ben Reviewer and Cas Approver. Approved by Dee Second."
    )


def test_pending_review_of_an_unpublished_change_is_not_credited(client, people):
    briefing = reviewed_and_published(people)
    later = UserFactory(role="Editors", display_name="Eve Later")
    workflow.save_working_copy(people["writer"], briefing)
    workflow.submit_for_review(people["writer"], briefing)
    workflow.request_changes(later, briefing, "Not yet.")

    line = credits_line(client.get(briefing.get_absolute_url()).text)

    assert "Eve Later" not in line
    assert line.endswith("Approved by Cas Approver.")


def test_an_editor_who_submits_someone_elses_edit_is_credited_as_editor(client, people):
    briefing = reviewed_and_published(people)
    desk = UserFactory(role="Editors", display_name="Fay Desk")
    workflow.save_working_copy(desk, briefing)
    workflow.submit_for_review(desk, briefing)
    workflow.publish(people["approver"], briefing)

    line = credits_line(client.get(briefing.get_absolute_url()).text)

    assert line == (
        "Written by Ann Writer. Edited by Ben Reviewer and Fay Desk. Approved by Cas Approver."
    )


def test_scheduled_briefing_credits_the_editor_who_scheduled_it(client, writer, editor):
    from datetime import timedelta

    from django.utils import timezone

    briefing = briefing_in_state("scheduled", writer, editor)
    Briefing.objects.filter(pk=briefing.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    workflow.publish_due_scheduled()

    line = credits_line(client.get(briefing.get_absolute_url()).text)

    assert line == f"Written by {writer.public_name}. Approved by {editor.public_name}."


def test_typed_notes_do_not_make_credits_and_no_log_means_no_line(client):
    briefing = add_children(BriefingFactory(), count=1)
    EditorsNote.objects.create(briefing=briefing, position=9, body="<p>Edited by Mallory.</p>")
    workflow.make_live(briefing)  # no byline, and no transition in the log

    html = client.get(briefing.get_absolute_url()).text

    assert '<p class="credits">' not in html
    assert "editor" not in json_ld(html)
    assert "contributor" not in json_ld(html)


def test_credits_line_leaves_out_what_is_unknown():
    assert str(Credits(writers=("A", "B", "C"))) == "Written by A, B and C."
    assert str(Credits(approver="D")) == "Approved by D."
    assert not Credits()
