"""The whole editorial path in a real browser: a writer starts a briefing from a source item,
an editor requests changes, the writer fixes them, the editor publishes, a reader reads it;
then a later edit stays invisible to readers until the editor publishes it again."""

import pytest
from django.core import mail

from briefings.models import Briefing
from tests.factories import SourceItemFactory, TopicFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


class Person:
    """One browser context (its own cookies) with a screenshot counter shared by all."""

    steps = 0

    def __init__(self, browser, base_url, artifacts, name):
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base_url, self.artifacts, self.name = base_url, artifacts, name

    def log_in(self, username):
        self.open("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/")

    def open(self, path):
        self.page.goto(self.base_url + path)

    def click(self, name):
        # A form's submit may wait for an autosave on its way: wait for the page it leads to.
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()

    def write(self, textarea, text):
        """Type ``text`` into the rich-text editor standing in for ``textarea`` (a CSS
        selector), in place of what it held, as a person would."""
        editor = self.page.locator(
            f".prose-editor:has({textarea}) .ProseMirror[contenteditable=true]"
        )
        editor.click()
        editor.press("ControlOrMeta+a")
        editor.press_sequentially(text)

    def shot(self, what):
        Person.steps += 1
        path = self.artifacts / f"{Person.steps:02d}-{self.name}-{what}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def text(self) -> str:
        return self.page.inner_text("body")


def test_writer_editor_and_reader_walk_the_whole_path(
    browser, live_server, artifacts, _browser_settings
):
    TopicFactory(name="Cities", slug="cities")
    item = SourceItemFactory(
        title="Harbour ferry fares frozen for another year",
        summary="The ferry company keeps fares at last year's price.",
        outlet__name="Harbor Ledger",
    )
    UserFactory(username="sam", role="Writers", email="sam@newsroom.example")
    UserFactory(username="alex", role="Editors", email="alex@newsroom.example")
    Person.steps = 0
    writer = Person(browser, live_server.url, artifacts, "writer")
    editor = Person(browser, live_server.url, artifacts, "editor")
    reader = Person(browser, live_server.url, artifacts, "reader")

    # The writer starts a briefing from the discovered item, fills it in and submits it.
    writer.log_in("sam")
    writer.open("/admin/sources/sourceitem/")
    writer.shot("inbox")
    writer.click("Start a briefing")
    writer.page.wait_for_url("**/admin/briefings/briefing/*/change/")
    briefing = Briefing.objects.get(source_item=item)
    change_path = f"/admin/briefings/briefing/{briefing.pk}/change/"
    writer.shot("draft-started")
    assert "3–5 key takeaways" in writer.text()
    # The item's words are beside the form; the headline and dek are ours to write.
    source_panel = writer.page.locator("#source-item").inner_text()
    assert "Harbour ferry fares frozen for another year" in source_panel
    assert writer.page.input_value("#id_headline") == ""

    writer.page.fill("#id_headline", "Harbour ferry fares stay frozen")
    writer.page.fill("#id_dek", "Single fares stay at last year's price until spring.")
    for n, text in enumerate(
        [
            "Fares stay the same until next spring.",
            "The council renewed its yearly subsidy.",
            "Student season tickets cost a little less.",
        ]
    ):
        writer.page.get_by_text("Add another Takeaway").click()
        writer.page.fill(f"#id_takeaways-{n}-text", text)
    for n, body in enumerate(
        [
            "The ferry company confirmed fares will not rise this year.",
            "Daily commuters have no cheaper way across the harbour.",
            "Watch the council's spring budget.",
        ]
    ):
        writer.write(f"#id_sections-{n}-body", body)
    # The checklist follows the form before it is saved.
    # A function, not an expression: Playwright evaluates expressions with eval(), which the
    # Content-Security-Policy forbids.
    writer.page.wait_for_function(
        "() => document.querySelectorAll('.wf-checklist .wf-missing').length === 0"
    )
    writer.shot("checklist-complete-before-saving")
    with writer.page.expect_navigation():  # after any autosave on its way
        writer.page.click("input[name=_continue]")
    assert "was changed successfully" in writer.text()
    assert writer.page.locator(".wf-missing").count() == 0
    writer.shot("filled-in")
    writer.click("Submit for review")
    assert "Submitted for review" in writer.text()
    writer.shot("submitted")

    # The editor asks for changes.
    editor.log_in("alex")
    editor.open(change_path)
    assert editor.page.get_by_role("button", name="Approve and publish").is_visible()
    editor.shot("review")
    editor.page.fill("#wf-request_changes-comment", "Say which routes the frozen fares cover.")
    editor.click("Request changes")
    assert "Changes requested" in editor.text()
    editor.shot("changes-requested")

    # The writer sees the comment, fixes the draft and resubmits.
    writer.open(change_path)
    assert "Say which routes the frozen fares cover." in writer.text()
    writer.shot("sees-request")
    writer.page.fill("#id_takeaways-0-text", "Fares on both harbour routes stay the same.")
    with writer.page.expect_navigation():  # after any autosave on its way
        writer.page.click("input[name=_continue]")
    writer.click("Submit for review")
    writer.shot("resubmitted")

    # The editor publishes; a reader sees the page.
    editor.open(change_path)
    # Publishing asks for the box to be ticked; without it, nothing is published.
    editor.click("Approve and publish")
    assert "Tick “I have reviewed this version" in editor.text()
    assert Briefing.objects.get(pk=briefing.pk).live_revision_id is None
    editor.shot("publish-needs-confirmation")
    editor.page.check("#wf-publish-confirm")
    editor.shot("publish-confirmed")
    editor.click("Approve and publish")
    assert "Published. Readers now see this version." in editor.text()
    editor.shot("published")

    public_path = Briefing.objects.get(pk=briefing.pk).get_absolute_url()
    reader.open(public_path)
    assert "Fares on both harbour routes stay the same." in reader.text()
    assert "Harbor Ledger" in reader.text()
    reader.shot("reads-briefing")

    # The writer edits the live briefing; the reader still sees the approved text.
    writer.open(change_path)
    writer.write("#id_sections-2-body", "Watch the spring budget vote on 12 March.")
    with writer.page.expect_navigation():  # after any autosave on its way
        writer.page.click("input[name=_continue]")
    assert "Has unpublished changes" in writer.text()
    writer.shot("edited-live-briefing")

    reader.open(public_path)
    assert "Watch the council's spring budget." in reader.text()
    assert "12 March" not in reader.text()
    reader.shot("still-sees-approved-text")

    writer.open(change_path)
    writer.click("Submit for review")

    # The editor compares the proposal with the live page, then publishes it.
    editor.open(change_path)
    editor.page.get_by_role("link", name="Compare with live").click()
    editor.page.wait_for_load_state()
    assert "12 March" in editor.page.inner_text(".wf-diff-changed")
    editor.shot("compares")
    editor.open(change_path)
    editor.page.check("#wf-publish-confirm")
    editor.click("Publish changes")
    editor.shot("republished")

    reader.open(public_path)
    assert "Watch the spring budget vote on 12 March." in reader.text()
    assert reader.page.url == live_server.url + public_path
    reader.shot("sees-new-text")

    # The emails went where the workflow says.
    sent = [(message.subject.split(":")[0], message.to) for message in mail.outbox]
    assert ("For review", ["alex@newsroom.example"]) in sent
    assert ("Changes requested", ["sam@newsroom.example"]) in sent
    assert ("Published", ["sam@newsroom.example"]) in sent

    for person in (writer, editor, reader):
        person.context.close()
