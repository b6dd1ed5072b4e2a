"""The writer's note on submission: at the top of the review page, and in the editors' email."""

import pytest

from briefings import workflow
from tests.factories import UserFactory, complete_briefing

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    return UserFactory(role="Writers", email="writer@newsroom.example")


@pytest.fixture
def editor():
    return UserFactory(role="Editors", email="editor@newsroom.example")


def change_url(briefing):
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def test_the_review_page_shows_the_latest_submission_note_above_the_form(client, writer, editor):
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing, "First try.")
    workflow.request_changes(editor, briefing, "Name the routes.")
    workflow.submit_for_review(writer, briefing, "Routes named in the second takeaway.")
    client.force_login(editor)
    page = client.get(change_url(briefing)).content.decode()
    note = page.index('id="writers-note"')
    assert "Routes named in the second takeaway." in page[note : page.index("</div>", note)]
    assert note < page.index('id="briefing_form"') < page.index('id="timeline"')
    assert "First try." not in page[note : page.index("</div>", note)]


def test_a_submission_without_a_note_says_so(client, writer, editor):
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing)
    client.force_login(editor)
    page = client.get(change_url(briefing)).content.decode()
    assert "without a note" in page


def test_the_note_is_not_shown_once_the_briefing_left_review(client, writer, editor):
    briefing = complete_briefing(writer)
    workflow.submit_for_review(writer, briefing, "Please look at the dek.")
    workflow.publish(editor, briefing)
    client.force_login(editor)
    page = client.get(change_url(briefing)).content.decode()
    assert 'id="writers-note"' not in page


def test_the_for_review_email_carries_the_note(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    briefing = complete_briefing(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(writer, briefing, "  The figures are from the council.  ")
    (mail,) = mailoutbox
    assert mail.subject == f"For review: {briefing.headline}"
    assert mail.to == ["editor@newsroom.example"]
    assert "Their note:\n\nThe figures are from the council.\n" in mail.body


def test_the_for_review_email_says_when_there_is_no_note(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(writer, complete_briefing(writer))
    assert "They left no note." in mailoutbox[0].body
