"""The desk's wording and its safety catches: the inbox and the desk named as people say them,
"Compare with live" only where something is live, publish, withdraw and restore confirmed,
submitting several drafts at once, and a log-in page with a heading."""

import pytest
from django.urls import reverse

from briefings.models import Briefing
from tests.factories import briefing_in_state, change_form_data, complete_briefing

pytestmark = pytest.mark.django_db

BRIEFINGS = reverse("admin:briefings_briefing_changelist")


def change_url(briefing):
    return reverse("admin:briefings_briefing_change", args=[briefing.pk])


def transition_url(briefing, name):
    return reverse("admin:briefings_briefing_transition", args=[briefing.pk, name])


def test_the_inbox_and_the_desk_are_named_as_people_say_them(client, writer):
    client.force_login(writer)
    home = client.get("/admin/").text
    assert ">Inbox</a>" in home
    assert ">Desk</a>" in home

    inbox = client.get(reverse("admin:sources_sourceitem_changelist")).text
    assert '<li aria-current="page">Inbox</li>' in inbox

    crumbs = client.get(BRIEFINGS).text
    crumbs = crumbs[crumbs.index('<ol class="breadcrumbs">') : crumbs.index("</ol>")]
    assert ">Desk</a></li>" in crumbs
    assert crumbs.count("Briefings") == 1  # no longer "Briefings › Briefings"


def test_the_log_in_page_has_a_heading(client):
    html = client.get(reverse("admin:login")).text
    assert "<h1>Log in to The Briefing Desk newsroom</h1>" in html


def test_compare_with_live_shows_only_once_something_was_published(client, writer, editor):
    draft = complete_briefing(writer)
    live = briefing_in_state("published", writer, editor)
    client.force_login(editor)
    assert "Compare with live" not in client.get(change_url(draft)).text
    assert "Compare with live" in client.get(change_url(live)).text


def test_publishing_without_the_confirmation_box_publishes_nothing(client, writer, editor):
    briefing = briefing_in_state("in_review", writer, editor)
    client.force_login(editor)
    page = client.get(change_url(briefing)).text
    assert 'name="publish-confirm" value="yes" required form="briefing_form"' in page

    data = {**change_form_data(briefing), "_transition": "publish"}
    response = client.post(change_url(briefing), data, follow=True)
    assert "Tick “I have reviewed this version" in response.text
    assert "then press “Approve and publish” again." in response.text
    briefing.refresh_from_db()
    assert (briefing.status, briefing.live_revision) == (Briefing.Status.IN_REVIEW, None)

    # A hand-made request to the transition's own address is refused the same way.
    client.post(transition_url(briefing, "publish"), {"version": str(briefing.version)})
    briefing.refresh_from_db()
    assert briefing.live_revision is None

    data = {**change_form_data(briefing), "_transition": "publish", "publish-confirm": "yes"}
    response = client.post(change_url(briefing), data, follow=True)
    assert "Published. Readers now see this version." in response.text
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED


def test_withdrawing_needs_the_confirmation_box(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(editor)
    data = {"reason": "The source retracted its report.", "version": str(briefing.version)}
    response = client.post(transition_url(briefing, "withdraw"), data, follow=True)
    assert "Tick “Take it off the site now" in response.text
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED

    client.post(transition_url(briefing, "withdraw"), {**data, "withdraw-confirm": "yes"})
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.WITHDRAWN


def test_a_withdrawn_briefings_form_shows_the_reason_readers_see(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(editor)
    reason = {"reason": "The source retracted its <report> & apologised."}
    data = {**reason, "version": str(briefing.version), "withdraw-confirm": "yes"}
    client.post(transition_url(briefing, "withdraw"), data)

    page = client.get(change_url(briefing)).text
    assert "Readers see a notice with this reason:" in page
    assert "The source retracted its &lt;report&gt; &amp; apologised." in page
    assert "“”" not in page


def test_restoring_asks_first_on_a_page_of_its_own(client, writer, editor):
    briefing = briefing_in_state("published_changes", writer, editor)
    client.force_login(writer)
    restore = reverse("admin:briefings_briefing_restore", args=[briefing.pk, 1])
    revisions = client.get(reverse("admin:briefings_briefing_revisions", args=[briefing.pk])).text
    assert f'href="{restore}?version={briefing.version}"' in revisions

    page = client.get(f"{restore}?version={briefing.version}").text
    assert "Restore revision 1 into the working copy?" in page
    assert f'name="version" value="{briefing.version}"' in page
    assert 'name="confirm" value="yes"' in page

    # A POST without the confirmation shows the question again and restores nothing.
    response = client.post(restore, {"version": str(briefing.version)})
    assert response.status_code == 200
    assert "Yes, restore revision 1" in response.text
    assert not briefing.transitions.filter(action="restore").exists()

    client.post(restore, {"version": str(briefing.version), "confirm": "yes"})
    assert briefing.transitions.filter(action="restore").exists()


def test_submit_selected_goes_through_the_workflow_and_says_what_failed(client, writer, editor):
    ready = complete_briefing(writer, headline="Ready one")
    untitled = complete_briefing(writer, headline="")
    in_review = briefing_in_state("in_review", writer, editor, headline="Already in review")
    client.force_login(writer)

    response = client.post(
        BRIEFINGS,
        {"action": "submit_selected", "_selected_action": [ready.pk, untitled.pk, in_review.pk]},
        follow=True,
    )

    text = response.text
    assert "Submitted 1 briefing(s) for review." in text
    assert "“Untitled draft” was not submitted: Not ready for review." in text
    assert "Headline present and short enough: missing" in text
    assert "“Already in review” was not submitted: You may not submit" in text
    statuses = dict(Briefing.objects.values_list("pk", "status"))
    assert statuses == {
        ready.pk: Briefing.Status.IN_REVIEW,
        untitled.pk: Briefing.Status.DRAFT,
        in_review.pk: Briefing.Status.IN_REVIEW,
    }
    assert ready.transitions.filter(action="submit", user=writer).exists()


def test_submit_selected_cannot_reach_anothers_briefing(client, writer, editor):
    from tests.factories import UserFactory

    theirs = complete_briefing(UserFactory(role="Writers"))
    client.force_login(writer)
    client.post(BRIEFINGS, {"action": "submit_selected", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.status == Briefing.Status.DRAFT
