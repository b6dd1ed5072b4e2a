"""Starting a briefing from an inbox item: an empty headline and dek to write in our own words,
the item shown beside the form, a checklist that flags a copy, an address that follows the
headline until first publication, and the topic the outlet's items usually went to."""

import pytest
from django.urls import reverse

from briefings import checklist, workflow
from briefings.inbox import start_briefing
from briefings.models import Briefing
from briefings.snapshot import Snapshot
from tests.factories import (
    BriefingFactory,
    SourceItemFactory,
    TopicFactory,
    change_form_data,
)

pytestmark = pytest.mark.django_db


def change_url(briefing):
    return reverse("admin:briefings_briefing_change", args=[briefing.pk])


def own_words(briefing) -> checklist.Check:
    checks = checklist.run(Snapshot.of(Briefing.objects.get(pk=briefing.pk)))
    [check] = [c for c in checks if c.label == checklist.OWN_WORDS_LABEL]
    return check


@pytest.fixture
def item():
    return SourceItemFactory(
        title="Tram line extension approved",
        summary="The council voted for four new stops.",
        url="https://paper.example/tram",
        outlet__name="City Paper",
    )


def test_the_change_form_shows_the_source_item_to_rewrite_from(client, writer, item):
    TopicFactory()
    briefing = start_briefing(item, writer)
    client.force_login(writer)

    html = client.get(change_url(briefing)).text

    start = html.index('id="source-item"')
    panel = html[start : html.index("</section>", start)]
    assert "City Paper" in panel
    assert '<dd class="wf-source-headline">Tram line extension approved</dd>' in panel
    assert "The council voted for four new stops." in panel
    assert 'href="https://paper.example/tram"' in panel
    assert 'id="id_headline"' in html
    assert 'value="Tram line' not in html  # the form's headline is empty, to write afresh


def test_the_checklist_flags_a_headline_or_dek_copied_from_the_item(writer, item):
    TopicFactory()
    briefing = start_briefing(item, writer)
    assert own_words(briefing).ok  # nothing written yet copies nothing

    Briefing.objects.filter(pk=briefing.pk).update(headline="  tram LINE extension   approved ")
    check = own_words(briefing)
    assert not check.ok
    assert check.detail == "the headline copies the source item word for word"

    Briefing.objects.filter(pk=briefing.pk).update(dek="The council voted for four new stops.")
    assert own_words(briefing).detail == "the headline and dek copy the source item word for word"

    Briefing.objects.filter(pk=briefing.pk).update(
        headline="Four new tram stops win the council's vote",
        dek="Councillors backed the extension; building starts next year.",
    )
    assert own_words(briefing).ok


def test_a_copied_headline_blocks_publication(writer, editor, item):
    TopicFactory()
    briefing = start_briefing(item, writer)
    Briefing.objects.filter(pk=briefing.pk).update(
        headline="Tram line extension approved", dek="Our own words."
    )
    unmet = [c.label for c in checklist.unmet(Snapshot.of(Briefing.objects.get(pk=briefing.pk)))]
    assert checklist.OWN_WORDS_LABEL in unmet


def test_a_draft_without_a_headline_saves_but_cannot_be_submitted(client, writer, item):
    TopicFactory()
    briefing = start_briefing(item, writer)
    client.force_login(writer)

    response = client.post(change_url(briefing), change_form_data(briefing, dek="Our words."))
    assert response.status_code == 302

    response = client.post(
        change_url(briefing), {**change_form_data(briefing), "_transition": "submit"}, follow=True
    )
    assert "Headline present and short enough: missing" in response.text
    assert Briefing.objects.get(pk=briefing.pk).status == Briefing.Status.DRAFT


def test_the_address_follows_the_headline_until_first_publication(client, writer, editor, item):
    TopicFactory()
    BriefingFactory(slug="four-new-tram-stops")
    briefing = start_briefing(item, writer)
    client.force_login(writer)
    assert briefing.slug.startswith("draft-")

    client.post(change_url(briefing), change_form_data(briefing, headline="Four new tram stops"))
    briefing.refresh_from_db()
    assert briefing.slug == "four-new-tram-stops-2"  # the first is taken

    client.post(change_url(briefing), change_form_data(briefing, headline="Tram stops: four more"))
    briefing.refresh_from_db()
    assert briefing.slug == "tram-stops-four-more"

    # A slug typed into the form is not taken: the address follows the headline.
    client.post(
        change_url(briefing),
        change_form_data(briefing, headline="Tram stops: four more", slug="something-else"),
    )
    briefing.refresh_from_db()
    assert briefing.slug == "tram-stops-four-more"

    # Published: the address is fixed, whatever the headline becomes.
    Briefing.objects.filter(pk=briefing.pk).update(dek="Councillors backed four new stops.")
    for n in range(1, 4):
        briefing.takeaways.create(position=n, text=f"Takeaway {n}")
    briefing.sections.filter(position=1).update(body="<p>What happened.</p>")
    briefing.sections.exclude(position=1).delete()
    workflow.submit_for_review(writer, briefing)
    workflow.publish(editor, briefing)
    client.post(change_url(briefing), change_form_data(briefing, headline="A new headline"))
    briefing.refresh_from_db()
    assert briefing.headline == "A new headline"
    assert briefing.slug == "tram-stops-four-more"


def test_the_topic_is_the_one_the_outlets_items_usually_went_to(writer, item):
    TopicFactory(name="Arts", position=0)
    transport = TopicFactory(name="Transport", position=5)
    BriefingFactory(topic=transport, source_item=SourceItemFactory(outlet=item.outlet))
    BriefingFactory(topic=transport, source_item=SourceItemFactory(outlet=item.outlet))
    BriefingFactory(source_item=SourceItemFactory())  # another outlet's, another topic

    assert start_briefing(item, writer).topic == transport


def test_without_history_the_topic_is_the_first(writer, item):
    first = TopicFactory(name="Arts", position=0)
    TopicFactory(name="Transport", position=5)
    assert start_briefing(item, writer).topic == first


def test_an_untitled_draft_is_named_so_in_lists(writer, item):
    TopicFactory()
    assert str(start_briefing(item, writer)) == "Untitled draft"
