"""The trust walk of the demo, in a real browser: a reader reports an error without an
account; an editor accepts the report and turns it into a correction in one step; the reader
sees the correction flagged at the top of the page, opens the version history and the
difference between two versions, and reads the standards the briefing was published under;
the correction is in the log, and the reader is told by email."""

import pytest
from django.core import mail

from briefings import workflow
from briefings.models import ErrorReport, Section
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, briefing_in_state, standards

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reader_report_becomes_a_correction(browser, live_server, artifacts, _browser_settings):
    writer = UserFactory(username="sam", role="Writers")
    UserFactory(username="alex", role="Editors", email="alex@newsroom.example")
    standards(title="Our standards", method_summary="How we work.")
    desk = UserFactory(role="Editors")
    briefing = briefing_in_state("published_changes", writer, desk, headline="Ferry fares frozen")
    workflow.submit_for_review(writer, briefing)
    workflow.publish(desk, briefing)  # version 2: "Second version." instead of "First version."
    assert Section.objects.get(briefing=briefing).body == "<p>Second version.</p>"
    Person.steps = 0
    reader = Person(browser, live_server.url, artifacts, "reader")
    editor = Person(browser, live_server.url, artifacts, "editor")

    # The reader quotes the passage in the short form at the foot of the briefing.
    reader.open(briefing.get_absolute_url())
    reader.page.fill("#report-passage", "Takeaway 2")
    reader.shot("quotes-passage")
    reader.click("Report an error")
    reader.page.wait_for_url("**/report/?passage=*")
    assert reader.page.input_value("#id_passage") == "Takeaway 2"

    # Too long a note first: the form comes back with the message and the text kept.
    # The browser stops typing at the limit; a hand-made request does not.
    reader.page.evaluate("() => document.querySelector('#id_problem').removeAttribute('maxlength')")
    reader.page.fill("#id_problem", "x" * 3001)
    reader.page.fill("#id_email", "reader@example.org")
    reader.click("Send the report")
    assert "Keep it to 3000 characters" in reader.text()
    assert reader.page.input_value("#id_email") == "reader@example.org"
    reader.shot("too-long")
    reader.page.fill("#id_problem", "The council's minutes give a different figure.")
    reader.click("Send the report")
    assert "Thank you for your report" in reader.text()
    reader.shot("thanks")
    report = ErrorReport.objects.get()
    assert report.status == "new"

    # The editor finds it in the queue, accepts it, and turns it into a correction.
    editor.log_in("alex")
    editor.open("/admin/briefings/errorreport/")
    assert "Takeaway 2" in editor.text()
    editor.shot("queue")
    editor.page.check(f"input[name=_selected_action][value='{report.pk}']")
    editor.page.select_option("select[name=action]", "accept")
    editor.click("Run")
    assert "1 report(s) accepted." in editor.text()
    editor.shot("accepted")
    editor.open(f"/admin/briefings/errorreport/{report.pk}/change/")
    editor.page.get_by_role("link", name="Turn into a correction or clarification").click()
    editor.page.wait_for_load_state()
    body = editor.page.input_value("#id_body")
    assert "An earlier version of this briefing said “Takeaway 2”." in body
    editor.shot("correction-prefilled")
    editor.page.fill("#id_body", "<p>The second takeaway gave the wrong figure; fixed.</p>")
    editor.page.get_by_role("button", name="Add the note").click()
    editor.page.wait_for_load_state()
    assert "Correction added." in editor.text()
    editor.shot("corrected")

    # Readers see it flagged at the top, under the byline, linking to the note.
    reader.open(briefing.get_absolute_url())
    flag = reader.page.locator(".byline a.record-flag")
    assert flag.inner_text().startswith("Corrected ")
    assert "The second takeaway gave the wrong figure; fixed." in reader.text()
    reader.shot("sees-correction-flag")
    flag.click()
    reader.page.wait_for_url("**#note-*")
    assert reader.page.locator(":target").inner_text().startswith("Correction")

    # The version history, and what changed between the two versions readers saw.
    reader.page.get_by_role("link", name="Version history").click()
    reader.page.wait_for_load_state()
    assert "Version 2" in reader.text() and "Version 1" in reader.text()
    reader.shot("history")
    reader.page.get_by_role("link", name="What changed from version 1").click()
    reader.page.wait_for_load_state()
    changed = reader.page.locator(".version-diff").first.inner_text()
    assert "First" in changed and "Second" in changed
    assert reader.page.locator("h3.diff-heading", has_text="What happened").count() == 1
    reader.shot("diff")

    # The standards it was published under, at their own address.
    reader.open(briefing.get_absolute_url())
    reader.page.locator(".published-under a").first.click()
    reader.page.wait_for_load_state()
    assert reader.page.locator("h1").inner_text() == "Our standards"
    assert "/standards/" in reader.page.url
    reader.shot("standards-version")

    reader.open("/corrections/")
    assert "The second takeaway gave the wrong figure; fixed." in reader.text()
    reader.shot("corrections-log")
    report.refresh_from_db()
    assert report.public_note is not None
    assert [m.to for m in mail.outbox if "Your report" in m.subject] == [["reader@example.org"]]

    for person in (reader, editor):
        person.context.close()
