"""Draft history: every save keeps the working copy as a saved draft revision, coalesced per
ten minutes of one person's work, listed and restorable on the desk, never shown to readers."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from briefings import workflow
from briefings.models import Briefing, Revision
from tests.factories import UserFactory, briefing_in_state, change_form_data, complete_briefing

pytestmark = pytest.mark.django_db


def change_url(briefing) -> str:
    return f"/admin/briefings/briefing/{briefing.pk}/change/"


def save(client, briefing, **fields):
    response = client.post(change_url(briefing), change_form_data(briefing, **fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    briefing.refresh_from_db()
    return response


def drafts(briefing):
    return list(briefing.revisions.filter(kind=Revision.Kind.DRAFT).order_by("number"))


def age(revision, minutes: int) -> None:
    """Pretend ``revision`` was started ``minutes`` ago (and everything logged since is older)."""
    then = timezone.now() - timedelta(minutes=minutes)
    Revision.objects.filter(pk=revision.pk).update(created_at=then, saved_at=then)
    revision.briefing.transitions.update(created_at=then - timedelta(minutes=1))


def test_a_save_keeps_the_working_copy_as_a_saved_draft(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)

    save(client, briefing, dek="The dek as saved on Monday.")

    [draft] = drafts(briefing)
    assert draft.created_by == writer
    assert draft.snapshot.dek == "The dek as saved on Monday."
    assert draft.dek == "The dek as saved on Monday."
    assert draft.standards is None


def test_an_unchanged_save_keeps_no_new_draft(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    save(client, briefing, dek="Saved once.")
    save(client, briefing)
    assert len(drafts(briefing)) == 1


def test_saves_close_together_are_one_draft_holding_the_latest(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    save(client, briefing, dek="First save.")
    [first] = drafts(briefing)
    save(client, briefing, dek="Second save, a minute later.")

    [draft] = drafts(briefing)
    assert draft.pk == first.pk and draft.number == first.number
    assert draft.snapshot.dek == "Second save, a minute later."
    assert Revision.objects.get(pk=draft.pk).snapshot.dek == "Second save, a minute later."
    assert draft.saved_at >= first.saved_at


def test_a_save_ten_minutes_on_starts_a_new_draft(client, writer):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    save(client, briefing, dek="Yesterday's dek.")
    age(drafts(briefing)[0], minutes=11)

    save(client, briefing, dek="Today's dek.")

    assert [d.snapshot.dek for d in drafts(briefing)] == ["Yesterday's dek.", "Today's dek."]


def test_another_persons_save_or_a_workflow_step_starts_a_new_draft(client, writer, editor):
    briefing = complete_briefing(writer)
    client.force_login(writer)
    save(client, briefing, dek="The writer's dek.")
    client.force_login(editor)
    save(client, briefing, dek="The editor's dek.")
    assert [d.created_by for d in drafts(briefing)] == [writer, editor]

    workflow.submit_for_review(editor, briefing)  # the version submitted stays as it was
    save(client, briefing, dek="The editor's dek, during review.")
    assert [d.snapshot.dek for d in drafts(briefing)] == [
        "The writer's dek.",
        "The editor's dek.",
        "The editor's dek, during review.",
    ]


def test_a_published_revision_is_never_rewritten_by_a_save(writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    live = briefing.live_revision
    Briefing.objects.filter(pk=briefing.pk).update(dek="An edit after publication.")
    workflow.save_working_copy(editor, briefing)
    live.refresh_from_db()
    assert live.kind == Revision.Kind.PUBLICATION
    assert live.snapshot.dek != "An edit after publication."
    with pytest.raises(ValueError):
        live.rewrite(live.snapshot)


def test_saved_drafts_are_never_shown_to_readers(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor, headline="The published headline")
    client.force_login(writer)
    save(client, briefing, headline="A draft headline only the desk sees")
    assert drafts(briefing)
    client.logout()
    cache.clear()

    public = [
        briefing.get_absolute_url(),
        f"/briefings/{briefing.slug}/history/",
        "/feed/",
        "/feed/atom/",
        f"/sitemap-briefings-{timezone.localtime(briefing.published_at):%Y-%m}.xml",
        "/",
        f"/topics/{briefing.topic.slug}/",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "A draft headline only the desk sees" not in response.content.decode(), url
    assert "The published headline" in client.get(briefing.get_absolute_url()).content.decode()
    draft = drafts(briefing)[0]
    assert client.get(f"/preview/{briefing.pk}/revisions/{draft.number}/").status_code == 302
    assert client.get(f"/briefings/{briefing.slug}/history/1/2/").status_code == 404


def test_the_revisions_page_labels_drafts_and_publications(client, writer, editor):
    briefing = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    save(client, briefing, dek="A dek saved after publication.")

    page = client.get(f"/admin/briefings/briefing/{briefing.pk}/revisions/").content.decode()

    assert page.count('<span class="wf-badge wf-kind-draft">Saved draft</span>') == 1
    assert page.count('<span class="wf-badge wf-kind-publication">Published</span>') == 1
    assert f"/admin/briefings/briefing/{briefing.pk}/revisions/2/restore/" in page
    assert "compare/?from=2&amp;to=draft" in page


def test_an_earlier_saved_draft_can_be_compared_and_restored(client):
    writer = UserFactory(role="Writers")
    briefing = complete_briefing(writer)
    client.force_login(writer)
    save(client, briefing, dek="Yesterday's dek.")
    yesterday = drafts(briefing)[0]
    age(yesterday, minutes=60 * 24)
    save(client, briefing, dek="Today's dek, worse.")

    compare = client.get(
        f"/admin/briefings/briefing/{briefing.pk}/compare/?from={yesterday.number}&to=draft"
    ).content.decode()
    assert "Yesterday" in compare and "worse" in compare

    response = client.post(
        f"/admin/briefings/briefing/{briefing.pk}/revisions/{yesterday.number}/restore/",
        {"version": str(briefing.version), "confirm": "yes"},
        follow=True,
    )
    assert f"Revision {yesterday.number} restored into the working copy" in (
        response.content.decode()
    )
    briefing.refresh_from_db()
    assert briefing.dek == "Yesterday's dek."
    assert briefing.live_revision is None
    assert briefing.transitions.first().revision == yesterday
    # Today's draft is still there, to be restored in turn.
    assert [d.snapshot.dek for d in drafts(briefing)] == ["Yesterday's dek.", "Today's dek, worse."]
