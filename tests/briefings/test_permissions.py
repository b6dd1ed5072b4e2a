"""The permission matrix: every role, through every transition and admin URL of a briefing,
in every state. Each cell is asserted exactly: allowed (and the effect happened), refused
with 403, unknown with 404, or (anonymous) sent to log in. Nothing is derived from the code
under test: the expectations are written out here."""

from datetime import timedelta

import pytest
from django.utils import timezone

from briefings.models import Briefing, PreviewLink
from tests.factories import (
    WORKFLOW_STATES,
    UserFactory,
    briefing_in_state,
    change_form_data,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "writer", "other_writer", "editor", "standards", "superuser"]
EDITORS = {"editor", "superuser"}
ALL = set(WORKFLOW_STATES)
WITH_REVISIONS = {"scheduled", "published", "published_changes", "withdrawn"}


@pytest.fixture
def people():
    return {
        "anonymous": None,
        "writer": UserFactory(role="Writers"),
        "other_writer": UserFactory(role="Writers"),
        "editor": UserFactory(role="Editors"),
        "standards": UserFactory(role="Standards editors"),
        "superuser": UserFactory(is_superuser=True),
    }


def make(state, people):
    # A second editor reviews, so that the editor under test is free to act.
    reviewer = UserFactory(role="Editors")
    return briefing_in_state(state, people["writer"], reviewer)


def as_(client, people, role):
    client.logout()
    if people[role] is not None:
        client.force_login(people[role])
    return client


def outcome(response) -> str:
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return "login"
    return {200: "ok", 302: "ok", 403: "403", 404: "404"}.get(
        response.status_code, str(response.status_code)
    )


# Who may open the briefing's pages (admin change page, history, compare, revisions, preview).
def expected_view(role, state):
    return {
        "anonymous": "login",
        "writer": "ok",
        "other_writer": "404",
        "editor": "ok",
        "standards": "ok",
        "superuser": "ok",
    }[role]


VIEW_URLS = {
    "change page": "/admin/briefings/briefing/{pk}/change/",
    "history": "/admin/briefings/briefing/{pk}/history/",
    "compare": "/admin/briefings/briefing/{pk}/compare/",
    "revisions": "/admin/briefings/briefing/{pk}/revisions/",
    "preview": "/preview/{pk}/",
}


@pytest.mark.parametrize("state", WORKFLOW_STATES)
def test_who_may_open_a_briefings_pages(client, people, state):
    briefing = make(state, people)
    for role in ROLES:
        as_(client, people, role)
        for name, url in VIEW_URLS.items():
            response = client.get(url.format(pk=briefing.pk))
            expected = expected_view(role, state)
            if name == "preview" and role == "anonymous":
                assert response.status_code == 302 and "/admin/login/" in response["Location"]
                continue
            assert outcome(response) == expected, (role, state, name)
            if expected != "ok":
                assert briefing.headline not in response.content.decode(), (role, state, name)


@pytest.mark.parametrize("state", sorted(WITH_REVISIONS))
def test_who_may_preview_an_earlier_revision(client, people, state):
    briefing = make(state, people)
    for role in ROLES:
        as_(client, people, role)
        response = client.get(f"/preview/{briefing.pk}/revisions/1/")
        assert outcome(response) == expected_view(role, state), (role, state)
        if outcome(response) == "ok":
            assert response["X-Robots-Tag"] == "noindex, nofollow"


# Where each transition may be made, and by whom. Writers act on their own briefings only;
# other writers never learn that the briefing exists (404).
TRANSITIONS = {
    "submit": {
        "roles": {"writer", "editor", "superuser"},
        "states": {"draft", "changes_requested", "published_changes"},
        "data": {},
        "after": "in_review",
    },
    "request_changes": {
        "roles": EDITORS,
        "states": {"in_review"},
        "data": {"comment": "Please source the second takeaway."},
        "after": "changes_requested",
    },
    "publish": {
        "roles": EDITORS,
        "states": {"in_review", "scheduled"},
        "data": {"publish-confirm": "yes"},
        "after": "published",
    },
    "schedule": {
        "roles": EDITORS,
        "states": {"in_review", "scheduled"},
        "data": "future",
        "after": "scheduled",
    },
    "unschedule": {
        "roles": EDITORS,
        "states": {"scheduled"},
        "data": {},
        "after": "in_review",
    },
    "withdraw": {
        "roles": EDITORS,
        "states": {"published", "published_changes"},
        "data": {"reason": "The source retracted its report.", "withdraw-confirm": "yes"},
        "after": "withdrawn",
    },
    "correct": {
        "roles": EDITORS,
        "states": {"published", "published_changes"},
        "data": {"kind": "correction", "body": "<p>We misspelled a name.</p>"},
        "after": "same",  # the status stays; a note goes on the public record
    },
}


def post_data(spec, briefing):
    """What the transition's form posts, with the version of the page it was on."""
    version = {"version": str(briefing.version)}
    if spec["data"] == "future":
        when = timezone.localtime(timezone.now() + timedelta(days=2))
        return {"publish_at": when.strftime("%Y-%m-%dT%H:%M"), **version}
    return {**spec["data"], **version}


def expected_transition(role, state, spec):
    if role == "anonymous":
        return "login"
    if role == "other_writer":
        return "404"
    return "ok" if role in spec["roles"] and state in spec["states"] else "403"


@pytest.mark.parametrize("transition", list(TRANSITIONS))
@pytest.mark.parametrize("state", WORKFLOW_STATES)
def test_who_may_make_each_transition(client, people, state, transition):
    spec = TRANSITIONS[transition]
    briefing = make(state, people)
    for role in ROLES:
        expected = expected_transition(role, state, spec)
        before = (briefing.status, briefing.live_revision_id, briefing.transitions.count())
        as_(client, people, role)
        response = client.post(
            f"/admin/briefings/briefing/{briefing.pk}/workflow/{transition}/",
            post_data(spec, briefing),
        )
        assert outcome(response) == expected, (role, state, transition, response.status_code)
        briefing.refresh_from_db()
        after = (briefing.status, briefing.live_revision_id, briefing.transitions.count())
        if expected != "ok":
            assert after == before, (role, state, transition)
            continue
        assert briefing.transitions.count() == before[2] + 1, (role, state, transition)
        if spec["after"] == "same":
            assert briefing.status == before[0], (role, state, transition)
        elif spec["after"]:
            assert briefing.status == spec["after"], (role, state, transition)
        else:
            assert briefing.live_revision_id != before[1]
        briefing = make(state, people)  # the next role starts from the same state


def test_the_second_pair_of_eyes_rule_stops_an_editor_approving_their_own(client, settings):
    editor = UserFactory(role="Editors")
    briefing = briefing_in_state("in_review", editor, UserFactory(role="Editors"))
    client.force_login(editor)
    for transition in ("publish", "schedule"):
        response = client.post(
            f"/admin/briefings/briefing/{briefing.pk}/workflow/{transition}/",
            post_data(TRANSITIONS[transition], briefing),
        )
        assert response.status_code == 403
    page = client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    assert "Approve and publish" not in page
    assert "another editor approves it" in page

    settings.WORKFLOW_REQUIRE_SECOND_EDITOR = False
    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/workflow/publish/",
        post_data(TRANSITIONS["publish"], briefing),
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED


@pytest.mark.parametrize("state", WORKFLOW_STATES)
def test_who_may_save_the_change_form(client, people, state):
    editable = {
        "writer": {"draft", "changes_requested", "published", "published_changes"},
        "editor": ALL - {"withdrawn"},
        "superuser": ALL - {"withdrawn"},
    }
    briefing = make(state, people)
    for role in ROLES:
        as_(client, people, role)
        data = change_form_data(briefing, dek=f"A dek rewritten by the {role}.")
        response = client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)
        if role == "anonymous":
            expected = "login"
        elif role == "other_writer":
            expected = "404"
        else:
            expected = "ok" if state in editable.get(role, set()) else "403"
        assert outcome(response) == expected, (role, state, response.status_code)
        assert response.status_code != 200, response.content.decode()[:2000]
        briefing.refresh_from_db()
        saved = briefing.dek == f"A dek rewritten by the {role}."
        assert saved == (expected == "ok"), (role, state)


@pytest.mark.parametrize("state", WORKFLOW_STATES)
def test_who_may_restore_a_revision(client, people, state):
    restorers = {
        "writer": {"published", "published_changes"},
        "editor": WITH_REVISIONS - {"withdrawn"},
        "superuser": WITH_REVISIONS - {"withdrawn"},
    }
    briefing = make(state, people)
    for role in ROLES:
        as_(client, people, role)
        response = client.post(
            f"/admin/briefings/briefing/{briefing.pk}/revisions/1/restore/",
            {"version": str(briefing.version), "confirm": "yes"},
        )
        if role == "anonymous":
            expected = "login"
        elif role == "other_writer" or state not in WITH_REVISIONS:
            expected = "404"
        else:
            expected = "ok" if state in restorers.get(role, set()) else "403"
        assert outcome(response) == expected, (role, state)
        restored = briefing.transitions.filter(action="restore").exists()
        assert restored == (expected == "ok"), (role, state)
        if restored:
            briefing = make(state, people)


@pytest.mark.parametrize("state", WORKFLOW_STATES)
def test_who_may_create_and_revoke_preview_links(client, people, state):
    briefing = make(state, people)
    for role in ROLES:
        as_(client, people, role)
        response = client.post(f"/admin/briefings/briefing/{briefing.pk}/share/", {"days": "1"})
        if role == "anonymous":
            expected = "login"
        elif role == "other_writer":
            expected = "404"
        else:
            allowed = role in EDITORS and state != "withdrawn"
            expected = "ok" if allowed else "403"
        assert outcome(response) == expected, (role, state)
        link = PreviewLink.objects.filter(briefing=briefing).first()
        assert (link is not None) == (expected == "ok"), (role, state)
        if link is None:
            continue
        response = client.post(f"/admin/briefings/briefing/{briefing.pk}/share/{link.pk}/revoke/")
        assert response.status_code == 302
        link.delete()


def test_a_get_never_makes_a_transition(client, people):
    briefing = make("in_review", people)
    client.force_login(people["editor"])
    response = client.get(f"/admin/briefings/briefing/{briefing.pk}/workflow/publish/")
    assert response.status_code == 405
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW


def test_writers_changelist_shows_only_their_own_briefings(client, people):
    own = make("draft", people)
    other = briefing_in_state("draft", people["other_writer"], people["editor"])
    client.force_login(people["writer"])
    page = client.get("/admin/briefings/briefing/").content.decode()
    assert own.headline in page
    assert other.headline not in page
    client.force_login(people["editor"])
    page = client.get("/admin/briefings/briefing/").content.decode()
    assert own.headline in page and other.headline in page
