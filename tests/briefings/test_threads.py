"""Story threads: a briefing follows up a published one (``Briefing.follows``): the data,
the admin form and the comparison."""

import pytest

from briefings import workflow
from briefings.models import Briefing
from briefings.snapshot import Snapshot
from tests.factories import (
    BriefingFactory,
    UserFactory,
    briefing_in_state,
    change_form_data,
    follow_up_of,
)

pytestmark = pytest.mark.django_db


def test_follows_round_trips_through_the_snapshot(writer, editor):
    original = briefing_in_state("published", writer, editor)
    briefing = BriefingFactory(follows=original)
    page = Snapshot.of(briefing)
    assert page.follows_id == original.pk
    assert Snapshot.load(page.dump()) == page


def test_an_older_snapshot_without_the_key_follows_nothing(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    data = briefing.live_revision.snapshot.dump()
    del data["follows_id"]
    assert Snapshot.load(data).follows_id is None
    # and so do schema-1 snapshots, upgraded on load
    assert Snapshot.load({"briefing": {"headline": "Old"}}).follows_id is None


def test_publishing_sets_the_revision_column(writer, editor):
    original = briefing_in_state("published", writer, editor)
    follow_up = follow_up_of(original, writer, editor)
    assert follow_up.live_revision.follows == original
    assert list(Briefing.objects.published().filter(live_revision__follows=original)) == [follow_up]


def test_restoring_an_older_revision_brings_back_what_it_followed(writer, editor):
    first = briefing_in_state("published", writer, editor)
    second = briefing_in_state("published", writer, editor)
    briefing = follow_up_of(first, writer, editor)
    briefing.follows = second
    briefing.save()
    workflow.save_working_copy(writer, briefing)
    workflow.restore_revision(writer, briefing, briefing.revisions.get(number=1))
    briefing.refresh_from_db()
    assert briefing.follows == first
    # the working copy that followed ``second`` was kept as a revision, column and all
    assert briefing.revisions.get(number=2).follows == second


def test_a_followed_briefing_cannot_be_deleted_from_under_its_follow_ups(writer, editor):
    from django.db.models import ProtectedError

    original = briefing_in_state("published", writer, editor)
    follow_up_of(original, writer, editor)
    with pytest.raises(ProtectedError):
        original.delete()


def test_reviewers_see_a_changed_thread_in_the_comparison(client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="The first story")
    briefing = briefing_in_state("published", writer, editor)
    briefing.follows = original
    briefing.save()
    client.force_login(editor)
    html = client.get(f"/admin/briefings/briefing/{briefing.pk}/compare/").text
    assert "Follows" in html and "The first story" in html


# The admin form.


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def test_the_form_offers_published_briefings_only(admin_client, client, writer, editor):
    """The field searches (an autocomplete): the page lists no briefings, however many there
    are, and the search finds published ones only, for anyone who may edit a briefing."""
    published = briefing_in_state("published", writer, editor, headline="Live story")
    briefing_in_state("draft", writer, editor, headline="Draft story")
    briefing_in_state("withdrawn", writer, editor, headline="Gone story")
    briefing = briefing_in_state("draft", writer, editor)
    html = admin_client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    field = html[html.index('name="follows"') : html.index("</select>", html.index('"follows"'))]
    assert "admin-autocomplete" in field and f'value="{published.pk}"' not in field
    assert 'data-ajax--url="/admin/briefings/briefing/follows/"' in field
    # a new briefing made in a pop-up could not be followed: no add or change links
    assert 'id="add_id_follows"' not in html and 'id="change_id_follows"' not in html
    assert 'id="add_id_topic"' in html

    other_writer = UserFactory(role="Writers")  # sees only their own briefings in the list
    query = {"app_label": "briefings", "model_name": "briefing", "field_name": "follows"}
    for person in (editor, other_writer):
        client.force_login(person)
        response = client.get("/admin/briefings/briefing/follows/", {**query, "term": "story"})
        found = response.json()["results"]
        assert [r["id"] for r in found] == [str(published.pk)], person


def test_the_search_for_an_original_reads_live_headlines_only(client, writer, editor):
    """A live briefing's unpublished edit is neither searched nor shown to whoever searches."""
    original = briefing_in_state("published", writer, editor, headline="Live story")
    Briefing.objects.filter(pk=original.pk).update(headline="Secret draft story")
    client.force_login(UserFactory(role="Writers"))
    query = {"app_label": "briefings", "model_name": "briefing", "field_name": "follows"}

    def search(term):
        return client.get("/admin/briefings/briefing/follows/", {**query, "term": term}).json()

    assert search("secret")["results"] == []
    [result] = search("live")["results"]
    assert result["text"].startswith("Live story (") and "Secret" not in result["text"]


def test_the_form_shows_the_original_it_follows_by_its_live_headline(admin_client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="Live story")
    briefing = follow_up_of(original, writer, editor, state="draft")
    html = admin_client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").text
    field = html[html.index('name="follows"') : html.index("</select>", html.index('"follows"'))]
    assert f'<option value="{original.pk}" selected>Live story (' in field


def test_the_form_saves_a_published_original(admin_client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    briefing = briefing_in_state("draft", writer, editor)
    data = change_form_data(briefing, follows=str(original.pk), _continue="1")
    response = admin_client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.follows == original


@pytest.mark.parametrize("target", ["itself", "draft", "missing"])
def test_the_form_refuses_what_cannot_be_followed(admin_client, writer, editor, target):
    briefing = briefing_in_state("published", writer, editor)
    other = briefing_in_state("draft", writer, editor)
    pk = {"itself": briefing.pk, "draft": other.pk, "missing": 999999}[target]
    data = change_form_data(briefing, follows=str(pk), _continue="1")
    response = admin_client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)
    assert response.status_code == 200
    expected = (
        "A briefing cannot follow itself."
        if target == "itself"
        else "Choose a published briefing: only those can be followed up."
    )
    assert expected in response.text
    assert "Nothing was saved" in response.text
    briefing.refresh_from_db()
    assert briefing.follows is None


def test_a_withdrawn_original_does_not_stop_the_follow_up_being_saved(admin_client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    briefing = follow_up_of(original, writer, editor)
    workflow.withdraw(editor, original, "Retracted.")
    data = change_form_data(briefing, dek="A new dek.", _continue="1")
    response = admin_client.post(f"/admin/briefings/briefing/{briefing.pk}/change/", data)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert (briefing.dek, briefing.follows) == ("A new dek.", original)
