"""In a real browser, nothing a writer or an editor types is lost or bypassed: a workflow
button acts on what the form holds, a pasted headline is never cut, two tabs or a
double-click never give a 500 or an overwrite."""

import pytest

from briefings.models import Briefing
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, briefing_in_state, complete_briefing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_HEADLINE = (
    "Port city ends its tidal barrier trial a month early after the gates jammed twice during "
    "spring tides, engineers say, while the council insists the main project is not in doubt"
)


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


def test_submit_for_review_submits_the_dek_just_typed(people):
    UserFactory(username="sam", role="Writers")
    briefing = complete_briefing(UserFactory._meta.model.objects.get(username="sam"))
    writer = people("writer")
    writer.log_in("sam")
    writer.open(change_path(briefing))
    writer.page.fill("#id_dek", "The dek as the writer last typed it.")
    writer.shot("typed-not-saved")

    writer.click("Submit for review")

    assert "Your changes were saved. Submitted for review." in writer.text()
    writer.shot("saved-and-submitted")
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.dek == "The dek as the writer last typed it."


def reviewing(people):
    """A writer's briefing in review, open on an editor's screen."""
    briefing = briefing_in_state(
        "in_review", UserFactory(username="sam", role="Writers"), UserFactory(role="Editors")
    )
    UserFactory(username="alex", role="Editors")
    editor = people("editor")
    editor.log_in("alex")
    editor.open(change_path(briefing))
    return briefing, editor


def test_approve_and_publish_publishes_the_headline_just_typed(people):
    briefing, editor = reviewing(people)
    editor.page.fill("#id_headline", "The headline the editor retyped")

    editor.page.check("#wf-publish-confirm")

    editor.click("Approve and publish")

    assert "Your changes were saved. Published." in editor.text()
    editor.shot("saved-and-published")
    briefing.refresh_from_db()
    assert briefing.live_revision.headline == "The headline the editor retyped"
    editor.open(briefing.get_absolute_url())
    assert editor.page.inner_text("h1") == "The headline the editor retyped"


def test_a_form_that_does_not_validate_is_shown_again_and_nothing_is_done(people):
    briefing, editor = reviewing(people)
    editor.page.fill("#id_headline", LONG_HEADLINE)  # over the limit: the form is refused
    editor.page.fill("#id_dek", "A dek typed along with an over-long headline.")

    editor.page.check("#wf-publish-confirm")

    editor.click("Approve and publish")

    assert "Nothing was saved and nothing was done" in editor.text()
    assert editor.page.input_value("#id_dek") == "A dek typed along with an over-long headline."
    editor.shot("refused-with-errors")
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.live_revision_id is None


def test_a_pasted_headline_is_kept_whole_counted_and_refused_by_the_server(people):
    briefing = complete_briefing(UserFactory(username="sam", role="Writers"))
    before = briefing.headline
    writer = people("writer")
    writer.log_in("sam")
    writer.open(change_path(briefing))
    writer.page.fill("#id_headline", "")
    writer.page.focus("#id_headline")
    writer.page.keyboard.insert_text(LONG_HEADLINE)  # as a paste arrives

    assert writer.page.input_value("#id_headline") == LONG_HEADLINE
    counter = writer.page.locator("#id_headline + .char-count")
    assert counter.inner_text() == f"{len(LONG_HEADLINE)} / 110"
    assert "over" in counter.get_attribute("class")
    writer.page.wait_for_function(
        "() => document.querySelector('.wf-checklist').innerText.includes('at most 110')"
    )
    writer.shot("long-headline-counted")

    # An autosave may be on its way: the save follows it.
    with writer.page.expect_navigation():
        writer.page.click("input[name=_continue]")
    assert f"it has {len(LONG_HEADLINE)}" in writer.text()
    assert writer.page.input_value("#id_headline") == LONG_HEADLINE
    writer.shot("long-headline-refused")
    briefing.refresh_from_db()
    assert briefing.headline == before


def test_two_tabs_saving_at_once_save_one_and_refuse_the_other_keeping_its_text(people):
    author = UserFactory(username="sam", role="Writers")
    briefing = complete_briefing(author)
    version = briefing.version
    tabs = [people("tab-one"), people("tab-two")]
    for tab in tabs:
        tab.log_in("sam")
        tab.open(change_path(briefing))
    # Both typed and sent within the autosave's pause: only the two saves reach the server.
    for n, tab in enumerate(tabs, 1):
        tab.page.fill("#id_dek", f"The dek typed in tab {n}.")
    submit = "document.querySelector('input[name=_continue]').click()"
    one, two = (tab.page for tab in tabs)
    with one.expect_navigation(), two.expect_navigation():
        for tab in tabs:  # both requests leave before either answer comes back
            tab.page.evaluate(submit)

    texts = [tab.text() for tab in tabs]
    for n, tab in enumerate(tabs, 1):
        tab.shot(f"after-saving-tab-{n}")
    assert not any("Server Error" in text or "OperationalError" in text for text in texts)
    saved = [n for n, text in enumerate(texts, 1) if "was changed successfully" in text]
    refused = [n for n, text in enumerate(texts, 1) if "Someone else saved this briefing" in text]
    assert len(saved) == 1 and len(refused) == 1, texts
    [loser] = refused
    assert tabs[loser - 1].page.input_value("#id_dek") == f"The dek typed in tab {loser}."
    briefing.refresh_from_db()
    assert briefing.dek == f"The dek typed in tab {saved[0]}."
    assert briefing.version == version + 1


def test_a_double_click_on_save_sends_one_request(people):
    briefing = complete_briefing(UserFactory(username="sam", role="Writers"))
    version = briefing.version
    writer = people("writer")
    writer.log_in("sam")
    writer.open(change_path(briefing))
    posts = []
    saves = lambda r: r.method == "POST" and r.url.endswith("/change/")  # noqa: E731
    writer.page.on("request", lambda r: saves(r) and posts.append(r.url))
    writer.page.fill("#id_dek", "Saved once, clicked twice.")

    # A second click 20 ms after the first, while the first request is on its way.
    with writer.page.expect_navigation():
        writer.page.evaluate(
            "const save = document.querySelector('input[name=_continue]');"
            "save.click(); setTimeout(() => save.click(), 20);"
        )

    assert "was changed successfully" in writer.text()
    writer.shot("double-clicked")
    assert len(posts) == 1, posts
    briefing.refresh_from_db()
    assert briefing.dek == "Saved once, clicked twice."
    assert briefing.version == version + 1
