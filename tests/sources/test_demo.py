import pytest
from django.core.management import call_command

from sources.demo import seed_feeds_and_items
from sources.models import Feed, Outlet, SourceItem
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

DEMO_OUTLETS = [
    ("Harbor Ledger", "harbor-ledger", "https://harborledger.example/"),
    ("Northfield Tribune", "northfield-tribune", "https://northfield-tribune.example/"),
    ("Civic Data Weekly", "civic-data-weekly", "https://civicdata.example/"),
]


@pytest.fixture
def demo_outlets():
    return [OutletFactory(name=n, slug=s, homepage=h) for n, s, h in DEMO_OUTLETS]


def test_demo_feeds_are_inactive_and_point_at_example_addresses(demo_outlets):
    seed_feeds_and_items()
    feeds = Feed.objects.all()
    assert {feed.outlet.slug for feed in feeds} == {slug for _, slug, _ in DEMO_OUTLETS}
    assert all(not feed.is_active for feed in feeds)
    assert all(".example/" in feed.url for feed in feeds)


def test_demo_items_cover_every_triage_state(demo_outlets):
    seed_feeds_and_items()
    states = set(SourceItem.objects.values_list("status", flat=True))
    assert {"new", "shortlisted", "dismissed"} <= states
    for outlet in demo_outlets:
        assert outlet.items.filter(status="new").exists()


def test_demo_seeding_is_idempotent(demo_outlets):
    seed_feeds_and_items()
    counts = Feed.objects.count(), SourceItem.objects.count()
    seed_feeds_and_items()
    assert (Feed.objects.count(), SourceItem.objects.count()) == counts


def test_demo_seeding_skips_outlets_that_do_not_exist():
    seed_feeds_and_items()
    assert not Feed.objects.exists()
    assert not SourceItem.objects.exists()


def test_demo_feeds_are_never_polled_on_schedule(demo_outlets):
    seed_feeds_and_items()
    call_command("poll_feeds")
    assert not Feed.objects.filter(last_error__gt="").exists()
    assert Outlet.objects.count() == 3
