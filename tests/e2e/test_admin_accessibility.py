"""axe-core (npm, injected into Chromium) finds no violation of serious or critical impact on
any admin page a writer or an editor uses: the log-in page, the desk, the inbox, the list,
the change form in every state, the comparison, the revisions, the calendar, the activity log
and the OPML import page."""

import pytest

from tests.e2e.test_workflow_browser import Person
from tests.factories import SourceItemFactory, UserFactory, briefing_in_state
from tests.page_checks import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check(person, path: str, found: dict) -> None:
    person.open(path)
    person.page.wait_for_load_state("networkidle")
    problems = axe_violations(person.page)
    if problems:
        found[path] = problems


def test_admin_pages_have_no_serious_accessibility_violations(
    browser, live_server, artifacts, _browser_settings
):
    writer_user = UserFactory(username="sam", role="Writers")
    editor_user = UserFactory(username="alex", role="Editors")
    SourceItemFactory(title="Ferry timetable changes for winter")
    states = ["draft", "in_review", "changes_requested", "scheduled", "published_changes"]
    states += ["withdrawn"]
    briefings = {
        state: briefing_in_state(state, writer_user, editor_user, headline=f"A {state} one")
        for state in states
    }
    found = {}

    visitor = Person(browser, live_server.url, artifacts, "visitor")
    check(visitor, "/admin/login/", found)

    for username, person_name in (("sam", "writer"), ("alex", "editor")):
        person = Person(browser, live_server.url, artifacts, person_name)
        person.log_in(username)
        pages = [
            "/admin/",
            "/admin/sources/sourceitem/",
            "/admin/briefings/briefing/",
            "/admin/briefings/briefing/calendar/",
            "/admin/briefings/briefing/calendar/?view=month",
            "/admin/briefings/briefing/activity/",
        ]
        for state, briefing in briefings.items():
            if state == "withdrawn" and username == "sam":
                continue
            pages.append(f"/admin/briefings/briefing/{briefing.pk}/change/")
        live = briefings["published_changes"].pk
        pages += [
            f"/admin/briefings/briefing/{live}/compare/",
            f"/admin/briefings/briefing/{live}/revisions/",
        ]
        if username == "alex":
            pages.append("/admin/sources/feed/import-opml/")
        for path in pages:
            check(person, path, found)
        person.context.close()

    assert found == {}, "\n".join(f"{path}: {problems}" for path, problems in found.items())
