"""The desk's promise, walked in Chromium with only the admin, as a writer would: from an
inbox item to "submitted" in at most 10 clicks, typing and pasting into the rich-text editor,
dragging one takeaway and moving another with the keyboard, uploading a lead image and seeing
its thumbnail; the editor's desk then shows it in the review queue, and the editor opens the
form and the preview. Screenshots of the desk, the form and the preview are saved.

A click here is a press of a link, button or file chooser, or a drag. Typing is not: the
fields are reached from the keyboard (focus), as a person tabbing through the form would."""

import io

import pytest
from PIL import Image

from briefings.models import Briefing
from tests.e2e.test_rich_text_browser import PASTE
from tests.e2e.test_workflow_browser import Person
from tests.factories import SourceItemFactory, TopicFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASTED = (
    "<p>The <b>council</b> renewed the subsidy on <i>Tuesday</i>.</p>"
    '<p class="MsoListParagraph">·&nbsp;Single fares stay at £2.40</p>'
    '<p class="MsoListParagraph">·&nbsp;Returns stay at £4.20</p>'
)


class Writer(Person):
    clicks = 0

    def press(self, locator, navigates=False):
        """One click on ``locator`` (a link or button), counted."""
        Writer.clicks += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()

    def type_in(self, selector, text):
        self.page.focus(selector)
        self.page.keyboard.type(text)

    def type_rich(self, textarea, text):
        editor = self.page.locator(
            f".prose-editor:has({textarea}) .ProseMirror[contenteditable=true]"
        )
        editor.focus()
        editor.press_sequentially(text)


def _jpeg(path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "teal").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def test_inbox_item_to_submitted_in_ten_clicks_then_on_the_editors_desk(
    browser, live_server, artifacts, _browser_settings, tmp_path
):
    TopicFactory(name="Cities", slug="cities")
    item = SourceItemFactory(
        title="Ferry operator keeps fares at last year's level",
        summary="The harbour ferry will not raise fares this winter.",
        outlet__name="Harbor Ledger",
    )
    UserFactory(username="sam", role="Writers", display_name="Sam Writer")
    UserFactory(username="alex", role="Editors")
    Person.steps = 0
    Writer.clicks = 0
    writer = Writer(browser, live_server.url, artifacts, "writer")
    page = writer.page
    writer.log_in("sam")  # the desk: where the count starts

    writer.press(page.get_by_role("link", name="Inbox", exact=True).first, navigates=True)
    writer.press(page.get_by_role("button", name="Start a briefing"), navigates=True)
    briefing = Briefing.objects.get(source_item=item)

    writer.type_in("#id_headline", "Harbour ferry fares stay frozen")
    writer.type_in("#id_dek", "Single and return fares stay at last year's price until spring.")
    for n, text in enumerate(["Second point.", "Third point.", "First point."]):
        writer.type_in(f"#id_takeaways-{n}-text", text)
    # "First point." is dragged to the top; then "Third point." goes up from the keyboard.
    Writer.clicks += 1  # the drag
    page.locator("#takeaways-2 .order-handle").drag_to(
        page.locator("#takeaways-0"), target_position={"x": 300, "y": 4}
    )
    page.get_by_role("button", name="Move takeaway 3 up").focus()
    page.keyboard.press("Enter")

    writer.type_rich("#id_sections-0-body", "The ferry company confirmed the freeze.")
    editor_box = ".prose-editor:has(#id_sections-1-body) .ProseMirror[contenteditable=true]"
    page.evaluate(PASTE, [editor_box, PASTED])
    writer.type_rich("#id_sections-2-body", "Watch the spring budget.")

    # The lead image: one click on the file chooser, then its alt text and credit.
    photo = tmp_path / "ferry.jpg"
    _jpeg(photo)
    Writer.clicks += 1
    with page.expect_file_chooser() as chooser:
        page.locator("#id_lead_image").click()
    chooser.value.set_files(str(photo))
    writer.type_in("#id_lead_image_alt", "The harbour ferry at its winter mooring.")
    writer.type_in("#id_lead_image_credit", "Newsroom photo desk")
    writer.type_in("#id_lead_image_source_type", "Photograph")  # a select answers to typing
    page.wait_for_function(
        "() => document.querySelectorAll('.wf-checklist .wf-missing').length === 0"
    )
    writer.press(page.locator("input[name=_continue]"), navigates=True)
    assert "was changed successfully" in writer.text(), writer.text()
    thumbnail = page.locator(".lead-image-thumb img")
    page.wait_for_function(
        "() => document.querySelector('.lead-image-thumb img')?.naturalWidth > 0"
    )
    assert thumbnail.is_visible()
    writer.shot("form-with-thumbnail")
    writer.press(page.get_by_role("button", name="Submit for review"), navigates=True)
    assert "Submitted for review" in writer.text()
    writer.shot("submitted")

    assert Writer.clicks <= 10, Writer.clicks
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert list(briefing.takeaways.values_list("text", flat=True)) == [
        "First point.",
        "Third point.",
        "Second point.",
    ]
    pasted = briefing.sections.get(position=2).body
    assert "<strong>council</strong>" in pasted and "<em>Tuesday</em>" in pasted
    assert "<ul><li>Single fares stay at £2.40</li><li>Returns stay at £4.20</li></ul>" in (
        pasted.replace("\n", "")
    )
    assert briefing.lead_image_width == 640

    # The editor's desk shows it in the review queue; one click opens it; then the preview.
    editor = Person(browser, live_server.url, artifacts, "editor")
    editor.log_in("alex")
    queue = editor.page.locator("#review-queue, .desk-queue, section:has-text('Review queue')")
    assert "Harbour ferry fares stay frozen" in queue.first.inner_text()
    assert "Sam Writer" in queue.first.inner_text()
    editor.shot("desk")
    with editor.page.expect_navigation():
        editor.page.get_by_role("link", name="Harbour ferry fares stay frozen").first.click()
    assert editor.page.get_by_role("button", name="Approve and publish").is_visible()
    editor.shot("review-form")
    editor.open(f"/preview/{briefing.pk}/")
    assert "Harbour ferry fares stay frozen" in editor.text()
    assert "Preview" in editor.text()
    editor.shot("preview")

    for person in (writer, editor):
        person.context.close()
