"""The inbox (the SourceItem changelist): triage, items added by hand, starting a briefing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.models import HOUSE_SECTIONS, Briefing
from sources.models import SourceItem
from tests.factories import (
    OutletFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:sources_sourceitem_changelist")
ADD_ITEM = reverse("admin:sources_sourceitem_add")


def start_url(item: SourceItem) -> str:
    return reverse("admin:sources_sourceitem_start_briefing", args=[item.pk])


@pytest.fixture
def writer(client):
    user = UserFactory(role="Writers")
    client.force_login(user)
    return user


def test_inbox_lists_the_newest_first_with_summary_and_link_to_the_original(client, writer):
    now = timezone.now()
    SourceItemFactory(title="Older story", discovered_at=now - timedelta(hours=2))
    SourceItemFactory(
        title="Newer story", discovered_at=now, url="https://paper.example/newer", summary="Gist"
    )
    html = client.get(INBOX).text
    assert html.index("Newer story") < html.index("Older story")
    assert '<div class="help">Gist</div>' in html
    assert 'href="https://paper.example/newer" target="_blank" rel="noopener noreferrer"' in html


def test_inbox_filters_by_status_outlet_and_date_and_searches(client, writer):
    harbour = OutletFactory(name="Harbour Daily")
    SourceItemFactory(title="Shortlisted pier story", outlet=harbour, status="shortlisted")
    SourceItemFactory(title="New bridge story", status="new")
    SourceItemFactory(title="Old tunnel story", discovered_at=timezone.now() - timedelta(days=40))

    def titles(**params) -> set[str]:
        html = client.get(INBOX, params).text
        return {t for t in ["pier", "bridge", "tunnel"] if f"{t} story" in html}

    assert titles(status__exact="shortlisted") == {"pier"}
    assert titles(outlet__id__exact=harbour.pk) == {"pier"}
    # As the admin's "Past 7 days" link gives it.
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    since = str(midnight - timedelta(days=7))
    assert titles(**{"discovered_at__gte": since}) == {"pier", "bridge"}
    assert titles(q="tunnel") == {"tunnel"}
    assert titles(q="Harbour Daily") == {"pier"}


def test_bulk_shortlist_and_dismiss_leave_used_items_alone(client, writer):
    fresh, other, used = (
        SourceItemFactory(),
        SourceItemFactory(),
        SourceItemFactory(status=SourceItem.Status.USED),
    )
    pks = [fresh.pk, used.pk]
    response = client.post(INBOX, {"action": "shortlist", "_selected_action": pks}, follow=True)
    assert "Shortlisted 1 item(s)." in response.text
    client.post(INBOX, {"action": "dismiss", "_selected_action": [other.pk]})
    statuses = dict(SourceItem.objects.values_list("pk", "status"))
    assert statuses == {fresh.pk: "shortlisted", other.pk: "dismissed", used.pk: "used"}
    client.post(INBOX, {"action": "mark_new", "_selected_action": [other.pk]})
    assert SourceItem.objects.get(pk=other.pk).status == "new"


def test_editing_an_item_by_hand_keeps_a_summary_that_shows_markup(client, writer):
    """The form turns pasted HTML into text when the summary changes, never again later."""
    item = SourceItemFactory(summary="Use <b> for bold.", title="On markup")
    data = {
        "outlet": item.outlet_id,
        "url": item.url,
        "title": "On markup, revised",
        "summary": item.summary,
        "status": "shortlisted",
    }
    response = client.post(f"/admin/sources/sourceitem/{item.pk}/change/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "On markup, revised"
    assert item.summary == "Use <b> for bold."


def test_writer_adds_an_item_by_hand_with_a_canonical_url(client, writer):
    outlet = OutletFactory()
    response = client.post(
        ADD_ITEM,
        {
            "outlet": outlet.pk,
            "url": "HTTPS://Paper.Example/story?utm_source=twitter&id=4#top",
            "title": "Found on social media",
            "summary": "<p>Worth a look &amp; a call.</p>",
            "status": "shortlisted",
        },
    )
    assert response.status_code == 302
    item = SourceItem.objects.get()
    assert item.url == "https://paper.example/story?id=4"
    assert item.summary == "Worth a look & a call."
    assert item.feed is None


def test_item_added_by_hand_is_checked_against_the_inbox(client, writer):
    existing = SourceItemFactory(url="https://paper.example/story", title="Already here")
    response = client.post(
        ADD_ITEM,
        {
            "outlet": existing.outlet.pk,
            "url": "https://paper.example/story?utm_medium=email#comments",
            "title": "Same story again",
            "status": "new",
        },
    )
    assert response.status_code == 200
    assert "This story is already in the inbox" in response.text
    assert reverse("admin:sources_sourceitem_change", args=[existing.pk]) in response.text
    assert SourceItem.objects.count() == 1


def test_used_item_keeps_the_url_and_title_its_attribution_links_to(client, writer):
    item = SourceItemFactory(
        url="https://paper.example/original", title="Original title", status="used"
    )
    change = reverse("admin:sources_sourceitem_change", args=[item.pk])
    response = client.post(
        change,
        {
            "outlet": item.outlet.pk,
            "url": "https://elsewhere.example/swapped",
            "title": "Swapped title",
            "summary": "A better summary.",
            "status": "used",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.url, item.title) == ("https://paper.example/original", "Original title")
    assert item.summary == "A better summary."
    assert 'name="url"' not in client.get(change).text


def test_unused_item_added_by_hand_can_still_be_corrected(client, writer):
    item = SourceItemFactory(url="https://paper.example/typo", title="Tpyo", status="new")
    client.post(
        reverse("admin:sources_sourceitem_change", args=[item.pk]),
        {
            "outlet": item.outlet.pk,
            "url": "https://paper.example/fixed",
            "title": "Typo",
            "status": "new",
        },
    )
    item.refresh_from_db()
    assert (item.url, item.title) == ("https://paper.example/fixed", "Typo")


def test_start_a_briefing_creates_an_attributed_draft_and_opens_it(client, writer):
    topic = TopicFactory(name="Cities")
    item = SourceItemFactory(
        title="Tram line extension approved",
        summary="The council voted for four new stops.",
        url="https://paper.example/tram",
    )
    response = client.post(
        INBOX, {"action": "start_briefing_action", "_selected_action": [item.pk]}
    )
    briefing = Briefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:briefings_briefing_change", args=[briefing.pk])
    assert briefing.source_item == item
    assert briefing.attribution_kind == Briefing.AttributionKind.SOURCE_ASSISTED
    # Empty, for the writer to write in our own words; the address is a placeholder until then.
    assert (briefing.headline, briefing.dek) == ("", "")
    assert briefing.slug.startswith("draft-")
    assert briefing.topic == topic
    assert briefing.status == Briefing.Status.DRAFT
    assert list(briefing.authors.all()) == [writer]
    assert briefing.created_by == writer
    assert list(briefing.sections.values_list("heading", flat=True)) == list(HOUSE_SECTIONS)
    item.refresh_from_db()
    assert item.status == SourceItem.Status.USED


def test_start_a_briefing_button_on_a_row_does_the_same(client, writer):
    TopicFactory()
    item = SourceItemFactory()
    html = client.get(INBOX).text
    assert f'formaction="{start_url(item)}" formmethod="post"' in html
    response = client.post(start_url(item), follow=True)
    briefing = Briefing.objects.get(source_item=item)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:briefings_briefing_change", args=[briefing.pk]
    )
    assert "Draft started from" in response.text


def test_drafts_started_from_items_get_distinct_placeholder_addresses(client, writer):
    TopicFactory()
    for _ in range(2):
        client.post(start_url(SourceItemFactory(title="Same title")))
    slugs = list(Briefing.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 2
    assert all(slug.startswith("draft-") for slug in slugs)


def test_start_a_briefing_needs_exactly_one_item(client, writer):
    TopicFactory()
    items = [SourceItemFactory(), SourceItemFactory()]
    response = client.post(
        INBOX,
        {"action": "start_briefing_action", "_selected_action": [i.pk for i in items]},
        follow=True,
    )
    assert "Select exactly one item to start a briefing from." in response.text
    assert not Briefing.objects.exists()


def test_start_a_briefing_without_topics_says_what_to_do(client, writer):
    item = SourceItemFactory()
    response = client.post(start_url(item), follow=True)
    assert "Add a topic first" in response.text
    assert not Briefing.objects.exists()
    item.refresh_from_db()
    assert item.status == SourceItem.Status.NEW


def test_an_item_starts_only_one_briefing(client, writer):
    TopicFactory()
    item = SourceItemFactory()
    client.post(start_url(item))
    response = client.post(start_url(item), follow=True)
    assert "A briefing already began from this item" in response.text
    assert Briefing.objects.count() == 1
    html = client.get(INBOX).text
    assert f'formaction="{start_url(item)}"' not in html
    briefing = Briefing.objects.get()
    link = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    assert f'<a href="{link}">Open the briefing</a>' in html


@pytest.mark.parametrize(
    ("role", "inbox", "can_start"),
    [("Writers", 200, True), ("Editors", 200, True), ("Standards editors", 403, False)],
)
def test_inbox_permissions_by_role(client, role, inbox, can_start):
    TopicFactory()
    client.force_login(UserFactory(role=role))
    item = SourceItemFactory()
    assert client.get(INBOX).status_code == inbox
    response = client.post(start_url(item))
    assert response.status_code == (302 if can_start else 403)
    assert Briefing.objects.exists() is can_start


def test_staff_without_add_briefing_sees_no_start_button_and_is_refused(client):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_sourceitem", "change_sourceitem"])
    )
    client.force_login(user)
    item = SourceItemFactory()
    html = client.get(INBOX).text
    assert "Start a briefing" not in html
    assert client.post(start_url(item)).status_code == 403
    response = client.post(
        INBOX, {"action": "start_briefing_action", "_selected_action": [item.pk]}, follow=True
    )
    assert not Briefing.objects.exists()
    assert "No action selected" in response.text
