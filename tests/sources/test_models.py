import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from sources.models import Feed, SourceItem
from tests.factories import FeedFactory, OutletFactory

pytestmark = pytest.mark.django_db


def test_feed_health_reads_its_polling_state():
    assert FeedFactory(is_active=False).health == Feed.Health.INACTIVE
    assert FeedFactory().health == Feed.Health.NEVER_POLLED
    assert FeedFactory(last_success_at="2025-06-10T08:00Z").health == Feed.Health.OK
    assert FeedFactory(consecutive_failures=2).health == Feed.Health.FAILING


def test_feed_is_named_by_its_title_or_else_its_url():
    assert str(FeedFactory(title="Harbour news")) == "Harbour news"
    assert str(FeedFactory(title="", url="https://x.example/rss")) == "https://x.example/rss"


def test_one_feed_per_url():
    FeedFactory(url="https://x.example/rss")
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedFactory(url="https://x.example/rss")


def test_saving_a_source_item_never_rewrites_its_summary():
    """Text is cleaned once, where it enters (the feed parser, the form); a later save keeps
    a summary that legitimately shows markup, such as one about HTML itself."""
    item = SourceItem.objects.create(
        outlet=OutletFactory(),
        url="https://paper.example/a",
        title="Story",
        summary="Use <b> for bold & <i> for italics.",
    )
    item.save()
    item.save()
    item.refresh_from_db()
    assert item.summary == "Use <b> for bold & <i> for italics."


def test_deleting_a_feed_keeps_its_items():
    feed = FeedFactory()
    item = SourceItem.objects.create(
        outlet=feed.outlet, feed=feed, url="https://paper.example/b", title="Kept"
    )
    feed.delete()
    item.refresh_from_db()
    assert item.feed is None


@pytest.mark.parametrize(
    ("group", "codenames"),
    [
        ("Editors", {"add_feed", "change_feed", "delete_feed", "view_feed", "poll_feed"}),
        ("Writers", {"add_feed", "view_feed", "poll_feed"}),
        ("Standards editors", set()),
    ],
)
def test_roles_get_their_feed_permissions_from_the_migrations(group, codenames):
    permissions = Group.objects.get(name=group).permissions.filter(codename__endswith="_feed")
    assert set(permissions.values_list("codename", flat=True)) == codenames
