"""The desk in a real browser: a writer submits with a note; the editor's desk shows it in the
review queue with how long it has waited, and one click opens it with the note at the top."""

from datetime import timedelta

import pytest
from django.utils import timezone

from briefings.models import Transition
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, complete_briefing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_submission_note_reaches_the_editors_desk_and_the_top_of_the_review_page(
    browser, live_server, tmp_path, _browser_settings
):
    sam = UserFactory(username="sam", display_name="Sam Writer", role="Writers")
    UserFactory(username="alex", role="Editors")
    briefing = complete_briefing(sam, headline="Night buses return to the harbour")
    change_path = f"/admin/briefings/briefing/{briefing.pk}/change/"
    Person.steps = 0
    writer = Person(browser, live_server.url, tmp_path, "writer")
    editor = Person(browser, live_server.url, tmp_path, "editor")

    writer.log_in("sam")
    assert "Night buses return to the harbour" in writer.page.inner_text("#desk-drafts")
    writer.page.click("#desk-drafts a")
    writer.page.wait_for_url(f"**{change_path}")
    writer.page.fill("#wf-submit-comment", "The timetable is from the operator's site.")
    writer.click("Submit for review")
    assert "Submitted for review" in writer.text()
    Transition.objects.filter(briefing=briefing).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    writer.open("/admin/")
    writer.shot("desk")

    editor.log_in("alex")
    queue = editor.page.locator("#desk-queue")
    row = queue.locator("tr", has_text="Night buses return to the harbour")
    assert "Sam Writer" in row.inner_text()
    assert "2\xa0hours" in row.locator(".desk-waiting").inner_text()
    assert "The timetable is from the operator's site." in row.inner_text()
    editor.shot("desk")

    row.get_by_role("link", name="Night buses return to the harbour").click()
    editor.page.wait_for_url(f"**{change_path}")
    note = editor.page.locator("#writers-note")
    assert "The timetable is from the operator's site." in note.inner_text()
    note_box = note.bounding_box()
    assert note_box["y"] < editor.page.locator("#briefing_form").bounding_box()["y"]
    assert note_box["y"] < 1000  # in the first screenful
    editor.shot("review-page")

    # The header leads to the calendar and the log.
    editor.page.locator(".desk-nav").get_by_role("link", name="Activity log").click()
    editor.page.wait_for_url("**/admin/briefings/briefing/activity/")
    assert "The timetable is from the operator's site." in editor.page.inner_text("#activity-log")
    editor.shot("activity-log")
    editor.page.locator(".desk-nav").get_by_role("link", name="Calendar").click()
    editor.page.wait_for_url("**/admin/briefings/briefing/calendar/")
    editor.page.get_by_role("link", name="Month view").click()
    editor.page.wait_for_load_state()
    assert editor.page.locator("table.cal-month tbody tr").count() >= 4
    editor.shot("calendar")

    shots = sorted(path.name for path in tmp_path.glob("*.png"))
    assert shots == [
        "01-writer-desk.png",
        "02-editor-desk.png",
        "03-editor-review-page.png",
        "04-editor-activity-log.png",
        "05-editor-calendar.png",
    ]
