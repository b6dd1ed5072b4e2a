"""In a real browser, the briefing form saves itself a few seconds after the writer stops
typing, says so, never overwrites someone else's save, never adds a row twice; Ctrl+S saves,
and leaving with unsaved changes asks first."""

import pytest

from briefings.models import Briefing, Revision
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, complete_briefing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATUS = "#autosave-status"


def change_path(briefing) -> str:
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


@pytest.fixture
def people(browser, live_server, artifacts, _browser_settings):
    Person.steps = 0
    made = []

    def person(name):
        made.append(Person(browser, live_server.url, artifacts, name))
        return made[-1]

    yield person
    for each in made:
        each.context.close()


@pytest.fixture
def writing(people):
    """Sam, a writer, with their draft open."""
    briefing = complete_briefing(UserFactory(username="sam", role="Writers"))
    writer = people("writer")
    writer.log_in("sam")
    writer.open(change_path(briefing))
    return briefing, writer


def wait_for_status(person, text: str) -> str:
    person.page.wait_for_function(
        "text => document.querySelector('#autosave-status').innerText.includes(text)", arg=text
    )
    return person.page.inner_text(STATUS)


def test_typing_then_a_pause_saves_and_the_text_is_there_after_a_reload(writing):
    briefing, writer = writing
    writer.page.fill("#id_headline", "")
    writer.page.locator("#id_headline").press_sequentially("Tram line reopens after the floods")

    status = wait_for_status(writer, "Saved at")
    writer.shot("saved-at")
    assert writer.page.get_attribute(STATUS, "aria-live") == "polite"
    briefing.refresh_from_db()
    assert briefing.headline == "Tram line reopens after the floods"
    assert status.startswith("Saved at ")
    assert writer.page.input_value("input[name=version]") == str(briefing.version)
    assert briefing.revisions.get().kind == Revision.Kind.DRAFT

    writer.page.reload()
    assert writer.page.input_value("#id_headline") == "Tram line reopens after the floods"


def test_a_row_autosaved_then_saved_by_hand_is_there_once(writing):
    briefing, writer = writing
    writer.page.get_by_text("Add another Takeaway").click()
    writer.page.fill("#id_takeaways-3-text", "Buses replace trams until Friday.")
    wait_for_status(writer, "Saved at")
    assert briefing.takeaways.filter(text="Buses replace trams until Friday.").count() == 1
    added = briefing.takeaways.get(text="Buses replace trams until Friday.")
    assert writer.page.input_value("input[name='takeaways-3-id']") == str(added.pk)

    writer.page.fill("#id_takeaways-3-text", "Buses replace trams until Friday night.")
    with writer.page.expect_navigation():  # after any autosave on its way
        writer.page.click("input[name=_continue]")

    assert "was changed successfully" in writer.text()
    writer.shot("row-saved-once")
    texts = list(briefing.takeaways.values_list("text", flat=True))
    assert len(texts) == 4
    assert texts.count("Buses replace trams until Friday night.") == 1


def test_an_error_is_reported_and_nothing_is_lost(writing):
    briefing, writer = writing
    before = briefing.version
    too_long = "A dek that goes on and on. " * 12  # over the 300 characters a dek may have
    writer.page.fill("#id_dek", too_long)

    wait_for_status(writer, "Not saved: fix the errors")
    writer.shot("not-saved-errors")
    assert "Dek" in writer.page.inner_text(".autosave-errors")
    assert writer.page.input_value("#id_dek") == too_long
    briefing.refresh_from_db()
    assert briefing.version == before


def test_someone_elses_save_is_never_overwritten(writing, people):
    briefing, writer = writing
    other = people("other-tab")
    other.log_in("sam")
    other.open(change_path(briefing))
    other.page.fill("#id_dek", "Saved in the other tab.")
    with other.page.expect_navigation():
        other.page.keyboard.press("Control+s")
    assert "was changed successfully" in other.text()

    writer.page.fill("#id_dek", "Typed in the first tab.")
    status = wait_for_status(writer, "Not saved")
    writer.shot("not-saved-conflict")
    assert "someone else saved this briefing" in status
    assert writer.page.input_value("#id_dek") == "Typed in the first tab."
    briefing.refresh_from_db()
    assert briefing.dek == "Saved in the other tab."


def test_ctrl_s_saves_at_once(writing):
    briefing, writer = writing
    writer.page.fill("#id_dek", "Saved with the keyboard.")
    with writer.page.expect_navigation():
        writer.page.keyboard.press("Control+s")

    assert "was changed successfully" in writer.text()
    writer.shot("ctrl-s-saved")
    briefing.refresh_from_db()
    assert briefing.dek == "Saved with the keyboard."
    assert briefing.status == Briefing.Status.DRAFT


def test_leaving_with_unsaved_changes_asks_first(writing):
    briefing, writer = writing
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    writer.page.on("dialog", answer)
    writer.page.fill("#id_dek", "Typed, and the writer clicks away at once.")
    writer.page.get_by_role("link", name="Revisions").click()
    writer.page.wait_for_timeout(500)

    assert asked == ["beforeunload"]
    assert writer.page.url.endswith(change_path(briefing))
    assert writer.page.input_value("#id_dek") == "Typed, and the writer clicks away at once."

    # Once saved, leaving does not ask.
    wait_for_status(writer, "Saved at")
    writer.page.get_by_role("link", name="Revisions").click()
    writer.page.wait_for_url("**/revisions/")
    assert asked == ["beforeunload"]
    assert "Saved draft" in writer.text()
    writer.shot("revisions-with-saved-draft")
