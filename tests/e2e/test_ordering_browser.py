"""Ordering a briefing's parts in a real browser: a takeaway dragged to a new place, another
moved with the keyboard, a new section moved up with its button; saved, reloaded, and the
stored order is the one shown. No policy violation on the way, and nothing axe-core calls
serious or critical in the controls."""

import pytest

from tests.e2e.test_security_browser import WatchedPerson
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, complete_briefing
from tests.page_checks import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ORDER = """group => [...group.querySelectorAll('tr.form-row:not(.empty-form)')].map(row =>
  [row.querySelector('input[name$=-text]').value,
   row.querySelector('input[name$=-position]').value])"""


def shown(person) -> list[tuple[str, str]]:
    """The takeaways as the page shows them: (text, hidden position) in page order."""
    return [tuple(row) for row in person.page.locator("#takeaways-group").evaluate(ORDER)]


def focused_label(person) -> str:
    return person.page.evaluate("() => document.activeElement.getAttribute('aria-label')")


@pytest.fixture
def writer(browser, live_server, artifacts, _browser_settings):
    Person.steps = 0
    author = UserFactory(username="sam", role="Writers")
    person = WatchedPerson(browser, live_server.url, artifacts, "writer")
    person.log_in("sam")
    person.briefing = complete_briefing(author)  # takeaways 1, 2, 3; one section
    yield person
    person.context.close()


def test_a_writer_reorders_by_dragging_and_by_keyboard_and_the_order_is_saved(writer):
    briefing = writer.briefing
    path = f"/admin/briefings/briefing/{briefing.pk}/change/"
    writer.open(path)
    page = writer.page
    assert page.locator("#takeaways-group input[type=number]").count() == 0  # nothing typed
    for n in (1, 2, 3):
        assert page.get_by_role("button", name=f"Move takeaway {n} up").is_visible()
    assert page.get_by_role("img", name="Drag takeaway 3 to a new place").is_visible()
    writer.shot("controls")

    # Takeaway 3 is dragged by its handle onto the top half of takeaway 1.
    page.locator("#takeaways-2 .order-handle").drag_to(
        page.locator("#takeaways-0"), target_position={"x": 300, "y": 4}
    )
    assert shown(writer) == [("Takeaway 3", "1"), ("Takeaway 1", "2"), ("Takeaway 2", "3")]
    writer.shot("dragged")

    # Takeaway 2, now third, goes up twice from the keyboard: Enter, then Space.
    page.get_by_role("button", name="Move takeaway 3 up").focus()
    page.keyboard.press("Enter")
    assert shown(writer) == [("Takeaway 3", "1"), ("Takeaway 2", "2"), ("Takeaway 1", "3")]
    assert focused_label(writer) == "Move takeaway 2 up"  # the focus stayed on the button
    status = page.get_by_role("status")
    status.filter(has_text="Takeaway moved to position 2 of 3.").wait_for()
    page.keyboard.press("Space")
    assert shown(writer) == [("Takeaway 2", "1"), ("Takeaway 3", "2"), ("Takeaway 1", "3")]
    assert focused_label(writer) == "Move takeaway 1 up"
    status.filter(has_text="Takeaway moved to position 1 of 3.").wait_for()
    page.keyboard.press("Enter")  # already first: it says so and stays
    status.filter(has_text="Takeaway 1 is already first.").wait_for()
    assert focused_label(writer) == "Move takeaway 1 up"
    assert shown(writer)[0] == ("Takeaway 2", "1")

    # A new section, moved above the saved one with its button.
    page.get_by_text("Add another Section").click()
    page.fill("#id_sections-1-heading", "Why it matters")
    writer.write("#id_sections-1-body", "Commuters have no other way across.")
    page.get_by_role("button", name="Move section 2 up").click()
    headings = page.locator("#sections-group .inline-related:not(.empty-form) input[name$=heading]")
    assert headings.evaluate_all("inputs => inputs.map(i => i.value)") == [
        "Why it matters",
        "What happened",
    ]
    writer.shot("moved-before-saving")
    writer.check()  # no policy violation, no script error

    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert "was changed successfully" in writer.text()

    writer.open(path)  # reloaded from the database
    assert shown(writer) == [("Takeaway 2", "1"), ("Takeaway 3", "2"), ("Takeaway 1", "3")]
    writer.shot("saved-and-reloaded")
    assert list(briefing.takeaways.values_list("position", "text")) == [
        (1, "Takeaway 2"),
        (2, "Takeaway 3"),
        (3, "Takeaway 1"),
    ]
    assert list(briefing.sections.values_list("position", "heading")) == [
        (1, "Why it matters"),
        (2, "What happened"),
    ]


def test_a_new_row_moved_above_saved_ones_and_another_removed_still_saves(writer):
    """Removing an unsaved row makes Django's inlines.js rename the rows in page order; a new
    row shown above saved ones must not take a saved row's place in the form."""
    briefing = writer.briefing
    writer.open(f"/admin/briefings/briefing/{briefing.pk}/change/")
    page = writer.page
    for n, text in [(3, "New A"), (4, "New B")]:
        page.get_by_text("Add another Takeaway").click()
        page.fill(f"#id_takeaways-{n}-text", text)
    page.get_by_role("button", name="Move takeaway 4 up").click()  # New A, up three times
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert [text for text, _ in shown(writer)] == [
        "New A",
        "Takeaway 1",
        "Takeaway 2",
        "Takeaway 3",
        "New B",
    ]
    new_b = page.locator("#takeaways-group tr.form-row:not(.empty-form)").last
    new_b.locator(".inline-deletelink").click()  # an unsaved row goes: inlines.js renames
    page.get_by_role("button", name="Move takeaway 3 down").click()  # Takeaway 2 goes last
    assert shown(writer) == [
        ("New A", "1"),
        ("Takeaway 1", "2"),
        ("Takeaway 3", "3"),
        ("Takeaway 2", "4"),
    ]
    writer.shot("new-row-first")
    writer.check()

    page.click("input[name=_continue]")
    page.wait_for_load_state()

    assert "was changed successfully" in writer.text(), writer.text()
    assert list(briefing.takeaways.values_list("position", "text")) == [
        (1, "New A"),
        (2, "Takeaway 1"),
        (3, "Takeaway 3"),
        (4, "Takeaway 2"),
    ]


def test_the_ordering_controls_pass_axe(writer):
    writer.open(f"/admin/briefings/briefing/{writer.briefing.pk}/change/")
    writer.page.get_by_role("button", name="Move takeaway 2 up").click()
    writer.page.get_by_role("status").filter(has_text="moved to position 1").wait_for()

    # What the ordering added; tests/e2e/test_admin_accessibility.py checks whole pages.
    ours = {"include": [".order-controls", ".order-status", "th.order-cell"]}
    assert axe_violations(writer.page, context=ours) == []


def test_a_drag_let_go_outside_the_list_puts_the_row_back(writer):
    writer.open(f"/admin/briefings/briefing/{writer.briefing.pk}/change/")
    page = writer.page
    page.locator("#takeaways-2 .order-handle").hover()
    page.mouse.down()
    box = page.locator("#takeaways-0").bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 4, steps=5)
    # The row follows the pointer, and is numbered only once let go in the list.
    assert shown(writer) == [("Takeaway 3", "3"), ("Takeaway 1", "1"), ("Takeaway 2", "2")]
    heading = page.locator("#takeaways-heading").bounding_box()
    page.mouse.move(heading["x"] + 10, heading["y"] - 200, steps=5)
    page.mouse.up()

    assert shown(writer) == [("Takeaway 1", "1"), ("Takeaway 2", "2"), ("Takeaway 3", "3")]
    writer.check()
