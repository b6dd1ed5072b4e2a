"""manage.py rebuild_public_indexes: the search entries and the sitemap index's months made
right again after changes the workflow did not see (an edit in SQL, a TIME_ZONE change)."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from briefings.models import Briefing, SearchEntry, SitemapMonth
from tests.factories import briefing_in_state

pytestmark = pytest.mark.django_db


def month_of(at) -> date:
    return timezone.localtime(at).date().replace(day=1)


def test_the_command_recomputes_entries_and_months_from_the_briefings(writer, editor):
    kept = briefing_in_state("published", writer, editor, headline="Tidal gates close")
    moved = briefing_in_state("published", writer, editor, headline="Ferry fares")
    gone = briefing_in_state("withdrawn", writer, editor, headline="Retracted story")
    draft = briefing_in_state("draft", writer, editor)
    this_month = month_of(kept.published_at)

    # Past the workflow: a publish time moved back by a bulk edit, an entry lost, a figure
    # left wrong.
    earlier = timezone.now() - timedelta(days=70)
    Briefing.objects.filter(pk=moved.pk).update(published_at=earlier)
    SearchEntry.objects.filter(briefing=kept).delete()
    SitemapMonth.objects.filter(month=this_month).update(briefings=7)

    out = io.StringIO()
    call_command("rebuild_public_indexes", stdout=out)

    entries = dict(SearchEntry.objects.values_list("briefing_id", "published_at"))
    assert entries == {kept.pk: kept.published_at, moved.pk: earlier}
    assert gone.pk not in entries and draft.pk not in entries
    counts = dict(SitemapMonth.objects.filter(briefings__gt=0).values_list("month", "briefings"))
    assert counts == {this_month: 1, month_of(earlier): 1}
    assert "2 search entries; 2 months with published briefings." in out.getvalue()


def test_the_command_on_an_empty_newsroom_writes_nothing():
    out = io.StringIO()
    call_command("rebuild_public_indexes", stdout=out)
    assert not SearchEntry.objects.exists() and not SitemapMonth.objects.exists()
    assert "0 search entries; 0 months" in out.getvalue()
