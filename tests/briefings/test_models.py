import pytest
from django.db import IntegrityError, transaction

from briefings.models import Briefing, Revision, Takeaway
from briefings.snapshot import Snapshot
from briefings.workflow import make_live
from sources.models import SourceItem
from tests.factories import BriefingFactory, OutletFactory, SourceItemFactory, add_children

pytestmark = pytest.mark.django_db


def test_slugs_are_unique():
    BriefingFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        BriefingFactory(slug="same")


def test_a_briefing_has_one_child_per_position():
    briefing = BriefingFactory()
    Takeaway.objects.create(briefing=briefing, position=1, text="one")
    with pytest.raises(IntegrityError), transaction.atomic():
        Takeaway.objects.create(briefing=briefing, position=1, text="again")
    Takeaway.objects.create(briefing=BriefingFactory(), position=1, text="other briefing")


def test_status_must_be_a_known_state():
    briefing = BriefingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=briefing.pk).update(status="lost")


def test_a_published_briefing_needs_a_publish_time():
    briefing = BriefingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=briefing.pk).update(status="published", published_at=None)


def test_revision_snapshot_round_trips_every_part():
    item = SourceItemFactory()
    briefing = add_children(BriefingFactory(source_item=item, ai_assisted=True), count=2)
    revision = make_live(briefing)

    revision.refresh_from_db()
    page = revision.snapshot

    assert page.headline == briefing.headline
    assert page.ai_assisted is True
    assert [t.text for t in page.takeaways] == ["Takeaway 1", "Takeaway 2"]
    assert [s.body for s in page.sections] == ["<p>Body 1</p>", "<p>Body 2</p>"]
    assert len(page.questions) == len(page.notes) == len(page.citations) == 2
    assert page.source.url == item.url
    assert page.source.outlet_name == item.outlet.name
    assert page == Snapshot.of(briefing)


def test_restoring_a_revision_brings_back_its_content():
    briefing = add_children(BriefingFactory(headline="Original"), count=3)
    revision = make_live(briefing)
    Briefing.objects.filter(pk=briefing.pk).update(headline="Changed")
    Takeaway.objects.filter(briefing=briefing).delete()

    restored = revision.restore()

    assert restored.headline == "Original"
    assert list(restored.takeaways.values_list("text", flat=True)) == [
        "Takeaway 1",
        "Takeaway 2",
        "Takeaway 3",
    ]


def test_revisions_are_numbered_per_briefing():
    briefing = add_children(BriefingFactory())
    make_live(briefing)
    make_live(briefing)
    assert list(Revision.objects.filter(briefing=briefing).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert briefing.live_revision.number == 2


def test_source_item_urls_are_canonical_and_unique():
    outlet = OutletFactory()
    item = SourceItem.objects.create(
        outlet=outlet,
        title="Story",
        url="HTTPS://News.Example:443/a?utm_source=x&id=7&fbclid=abc#comments",
    )
    assert item.url == "https://news.example/a?id=7"
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceItem.objects.create(outlet=outlet, title="Dupe", url="https://news.example/a?id=7")
