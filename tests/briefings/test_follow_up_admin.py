""" "Start a follow-up" in the admin, and the reference panel on the draft it makes."""

import pytest

from briefings import workflow
from briefings.models import HOUSE_SECTIONS, Briefing, Revision, Section
from tests.factories import (
    SourceItemFactory,
    UserFactory,
    briefing_in_state,
    follow_up_of,
)

pytestmark = pytest.mark.django_db


def start_url(briefing) -> str:
    return f"/admin/briefings/briefing/{briefing.pk}/follow-up/"


def test_start_a_follow_up_makes_a_draft_in_the_same_thread(client, writer, editor):
    item = SourceItemFactory(title="Harbour story")
    original = briefing_in_state(
        "published",
        writer,
        editor,
        source_item=item,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
    )
    another = UserFactory(role="Writers")
    client.force_login(editor)
    html = client.get(f"/admin/briefings/briefing/{original.pk}/change/").text
    assert "Start a follow-up" in html

    response = client.post(start_url(original))
    draft = Briefing.objects.exclude(pk=original.pk).get(follows=original)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/briefings/briefing/{draft.pk}/change/"
    assert draft.status == Briefing.Status.DRAFT
    assert (draft.topic, draft.source_item, draft.attribution_kind) == (
        original.topic,
        item,
        "source_assisted",
    )
    assert list(draft.authors.all()) == [editor] and draft.created_by == editor
    assert another not in draft.authors.all()
    assert [s.heading for s in draft.sections.order_by("position")] == list(HOUSE_SECTIONS)
    assert draft.headline == "" and draft.slug.startswith("draft-")  # the writer writes it
    assert not Revision.objects.filter(briefing=draft).exists()  # nothing public yet
    original.refresh_from_db()
    assert original.follows is None


def test_a_writer_starts_a_follow_up_of_their_own_published_briefing(client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    client.force_login(writer)
    assert client.post(start_url(original)).status_code == 302
    draft = Briefing.objects.get(follows=original)
    assert list(draft.authors.all()) == [writer]


def test_start_a_follow_up_needs_permission_to_add_briefings(client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    reader = UserFactory(role="Standards editors")  # sees every briefing, writes none
    client.force_login(reader)
    html = client.get(f"/admin/briefings/briefing/{original.pk}/change/").text
    assert "Start a follow-up" not in html
    assert client.post(start_url(original)).status_code == 403
    assert not Briefing.objects.filter(follows=original).exists()


def test_start_a_follow_up_does_nothing_on_get(client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    client.force_login(editor)
    assert client.get(start_url(original)).status_code == 405
    assert not Briefing.objects.filter(follows=original).exists()


def test_a_writer_cannot_follow_up_a_briefing_they_may_not_see(client, writer, editor):
    original = briefing_in_state("published", UserFactory(role="Writers"), editor)
    client.force_login(writer)
    assert client.post(start_url(original)).status_code == 404
    assert not Briefing.objects.filter(follows=original).exists()


@pytest.mark.parametrize("state", ["draft", "scheduled", "withdrawn"])
def test_only_a_published_briefing_can_be_followed_up(client, writer, editor, state):
    original = briefing_in_state(state, writer, editor)
    client.force_login(editor)
    html = client.get(f"/admin/briefings/briefing/{original.pk}/change/").text
    assert "Start a follow-up" not in html
    response = client.post(start_url(original), follow=True)
    assert "Only a briefing readers can see can be followed up" in response.text
    assert not Briefing.objects.filter(follows=original).exists()


def test_the_follow_up_shows_the_originals_outlook_for_reference(client, writer, editor):
    original = briefing_in_state("published", writer, editor, headline="Dam plan announced")
    Section.objects.create(
        briefing=original,
        position=2,
        heading="What to watch next",
        body="<p>The council votes in <strong>May</strong>.</p>",
    )
    workflow.save_working_copy(writer, original)
    workflow.submit_for_review(writer, original)
    workflow.publish(editor, original)
    Section.objects.filter(briefing=original, position=2).update(body="<p>Unpublished edit.</p>")

    client.force_login(editor)
    client.post(start_url(original))
    draft = Briefing.objects.get(follows=original)
    html = client.get(f"/admin/briefings/briefing/{draft.pk}/change/").text
    panel = html[
        html.index('id="following-up"') : html.index("</section>", html.index("following-up"))
    ]
    assert "Following up: Dam plan announced" in panel
    assert "<p>The council votes in <strong>May</strong>.</p>" in panel  # live, sanitized
    assert "Unpublished edit." not in panel
    # for reference only: not copied into the draft
    assert not draft.sections.filter(body__contains="council").exists()


def test_the_reference_panel_says_when_there_is_no_outlook(client, writer, editor):
    original = briefing_in_state("published", writer, editor)
    draft = follow_up_of(original, writer, editor, state="draft")
    client.force_login(editor)
    html = client.get(f"/admin/briefings/briefing/{draft.pk}/change/").text
    assert "has no “What to watch next” section" in html
    plain = briefing_in_state("draft", writer, editor)
    html = client.get(f"/admin/briefings/briefing/{plain.pk}/change/").text
    assert 'id="following-up"' not in html
