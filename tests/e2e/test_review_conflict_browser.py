"""In a real browser: an editor who opened a briefing for review cannot publish an edit that
was saved after they opened it; they are sent to compare the versions first."""

import pytest

from briefings.models import Briefing
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, briefing_in_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_cannot_publish_an_edit_saved_after_they_opened_the_page(
    browser, live_server, artifacts, _browser_settings
):
    author = UserFactory(username="robin", role="Editors")
    UserFactory(username="alex", role="Editors")
    briefing = briefing_in_state("in_review", author, UserFactory(role="Editors"))
    change_path = f"/admin/briefings/briefing/{briefing.pk}/change/"
    Person.steps = 0
    reviewer = Person(browser, live_server.url, artifacts, "reviewer")
    writer = Person(browser, live_server.url, artifacts, "author")

    # The reviewing editor opens the briefing; meanwhile its author rewrites the dek.
    reviewer.log_in("alex")
    reviewer.open(change_path)
    reviewer.shot("opens-for-review")
    writer.log_in("robin")
    writer.open(change_path)
    writer.page.fill("#id_dek", "A dek the reviewer never saw.")
    with writer.page.expect_navigation():  # after any autosave on its way
        writer.page.click("input[name=_continue]")
    assert "was changed successfully" in writer.text()

    # Publishing from the page opened before the edit is refused, with a way to compare.
    reviewer.page.check("#wf-publish-confirm")
    reviewer.click("Approve and publish")
    assert "Someone else saved this briefing after you opened it" in reviewer.text()
    assert "nothing was done" in reviewer.text()
    assert Briefing.objects.get(pk=briefing.pk).live_revision_id is None
    reviewer.shot("refused-stale-publish")
    with reviewer.page.expect_popup() as compare:
        reviewer.page.get_by_role("link", name="compare it with the live page").first.click()
    reviewer.page = compare.value
    reviewer.page.wait_for_load_state()
    assert "A dek the reviewer never saw." in reviewer.text()
    reviewer.shot("compares")

    # Having seen it, the reviewer publishes from the reloaded page.
    reviewer.open(change_path)
    reviewer.page.check("#wf-publish-confirm")
    reviewer.click("Approve and publish")
    assert "Published. Readers now see this version." in reviewer.text()
    assert Briefing.objects.get(pk=briefing.pk).live_revision.dek == (
        "A dek the reviewer never saw."
    )

    for person in (reviewer, writer):
        person.context.close()
