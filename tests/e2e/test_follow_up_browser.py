"""An editor starts a follow-up of a published briefing in a real browser, lands on the new
draft and sees the original's "What to watch next" beside the form."""

import pytest

from briefings import workflow
from briefings.models import Briefing, Section
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, briefing_in_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_starts_a_follow_up(browser, live_server, tmp_path, _browser_settings):
    writer = UserFactory(username="sam", role="Writers")
    editor = UserFactory(username="alex", role="Editors")
    original = briefing_in_state("draft", writer, editor, headline="Ferry fares frozen")
    Section.objects.create(
        briefing=original,
        position=2,
        heading="What to watch next",
        body="<p>Watch the council's spring budget.</p>",
    )
    workflow.submit_for_review(writer, original)
    workflow.publish(editor, original)

    Person.steps = 0
    person = Person(browser, live_server.url, tmp_path, "editor")
    person.log_in("alex")
    person.open(f"/admin/briefings/briefing/{original.pk}/change/")
    person.shot("published-original")
    person.click("Start a follow-up")
    person.page.wait_for_url("**/admin/briefings/briefing/*/change/")

    draft = Briefing.objects.get(follows=original)
    assert person.page.url.endswith(f"/admin/briefings/briefing/{draft.pk}/change/")
    assert "Follow-up draft started" in person.text()
    panel = person.page.locator("#following-up")
    assert panel.get_by_role("heading", name="Following up: Ferry fares frozen").is_visible()
    assert "Watch the council's spring budget." in panel.inner_text()
    # The draft's form names the original in its Story thread field.
    assert person.page.locator("#id_follows").input_value() == str(original.pk)
    person.shot("follow-up-draft")
    assert (tmp_path / "02-editor-follow-up-draft.png").stat().st_size > 0
    assert (draft.status, list(draft.authors.all())) == ("draft", [editor])
