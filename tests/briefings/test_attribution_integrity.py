"""The attribution an editor reviews is the attribution readers get: once a briefing names a
source item, nobody rewrites that item's address, title or outlet, or turns it back into a
fresh inbox item to get round that (issue 14, found by an attack test)."""

import pytest
from django.urls import reverse

from briefings import workflow
from briefings.models import Briefing
from sources.models import SourceItem
from tests.factories import SourceItemFactory, UserFactory, briefing_in_state

pytestmark = pytest.mark.django_db

ORIGINAL = "https://paper.example/original"


@pytest.fixture
def reviewed(writer, editor):
    """A briefing in review that began from an item, by a writer other than the attacker."""
    item = SourceItemFactory(url=ORIGINAL, title="Original title", status="used")
    briefing = briefing_in_state(
        "in_review", writer, editor, source_item=item, attribution_kind="source_assisted"
    )
    return briefing, item


def post_item(client, item, **fields):
    data = {
        "outlet": item.outlet_id,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "author": "",
        "status": item.status,
        **fields,
    }
    return client.post(reverse("admin:sources_sourceitem_change", args=[item.pk]), data)


def test_a_writer_cannot_rewrite_a_referenced_item_by_resetting_its_status(client, reviewed):
    briefing, item = reviewed
    attacker = UserFactory(role="Writers")  # cannot even open the briefing
    client.force_login(attacker)

    first = post_item(client, item, status="new")
    second = post_item(
        client, item, url="https://evil.example/swapped", title="Swapped", status="used"
    )

    assert first.status_code in {200, 302} and second.status_code in {200, 302}
    item.refresh_from_db()
    assert (item.url, item.title) == (ORIGINAL, "Original title")
    assert item.status == SourceItem.Status.USED
    workflow.publish(UserFactory(role="Editors"), briefing)
    briefing.refresh_from_db()
    assert briefing.live_revision.source_url == ORIGINAL
    assert briefing.live_revision.snapshot.source.title == "Original title"


def test_posting_the_fields_the_page_shows_never_gives_a_500(client, reviewed):
    _, item = reviewed
    client.force_login(UserFactory(role="Writers"))
    page = client.get(reverse("admin:sources_sourceitem_change", args=[item.pk])).text
    assert 'name="url"' not in page and 'name="status"' not in page
    response = client.post(
        reverse("admin:sources_sourceitem_change", args=[item.pk]),
        {"summary": "A better summary.", "author": "", "status": "new"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.summary == "A better summary." and item.status == SourceItem.Status.USED


def test_an_item_chosen_on_the_briefing_form_is_locked_too(client, writer, editor):
    item = SourceItemFactory(url=ORIGINAL, title="Original title")  # still "new"
    briefing = briefing_in_state("draft", writer, editor)
    Briefing.objects.filter(pk=briefing.pk).update(
        source_item=item, attribution_kind="source_assisted"
    )
    workflow.save_working_copy(writer, briefing)
    item.refresh_from_db()
    assert item.status == SourceItem.Status.USED
    client.force_login(UserFactory(role="Writers"))
    post_item(client, item, status="new", url="https://evil.example/x", title="Swapped")
    item.refresh_from_db()
    assert (item.url, item.title, item.status) == (ORIGINAL, "Original title", "used")


def test_bulk_actions_leave_referenced_items_alone(client, reviewed):
    _, item = reviewed
    SourceItem.objects.filter(pk=item.pk).update(status="shortlisted")  # as an old row might be
    client.force_login(UserFactory(role="Writers"))
    client.post(
        reverse("admin:sources_sourceitem_changelist"),
        {"action": "mark_new", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.status == "shortlisted"
