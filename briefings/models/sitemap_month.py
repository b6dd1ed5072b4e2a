"""What the sitemap index says of each month: how many briefings were first published in it
and when they last changed for readers. The workflow recounts a month (``SitemapMonth.refresh``)
in the transaction of each change readers see, so the index reads these few rows instead of
grouping and counting every published briefing."""

from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from .briefing import Briefing
from .public_note import PublicNote


class SitemapMonth(models.Model):
    # The month's first day in the site's time zone (TIME_ZONE), as TruncMonth gives it.
    month = models.DateField(unique=True)
    briefings = models.PositiveIntegerField()  # published, first published that month
    # The latest first publication, republication or dated public note of those briefings.
    lastmod = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.briefings}"

    @staticmethod
    def start_of(month: date) -> datetime:
        """The first instant of ``month`` in the site's time zone."""
        return timezone.make_aware(datetime(month.year, month.month, 1))

    @classmethod
    def refresh(cls, *instants) -> None:
        """Recount the months of ``instants`` (None is ignored) from their briefings. Call it
        in the transaction that changes which briefings readers see, or their dates, with the
        briefing's first publication time (it takes locks that last until that transaction
        ends, so it must run in one).

        Each month's row is made if missing and locked before its briefings are read: in READ
        COMMITTED a writer that waited for the lock then counts everything committed before it
        got it, so two publications in one month never each write a count that misses the
        other. Months are locked in date order, so two writers never each hold a month the
        other waits for. A month left without briefings keeps its row, at 0: deleting it would
        leave a writer waiting for its lock with no row to lock."""
        months = {timezone.localtime(at).date().replace(day=1) for at in instants if at}
        for month in sorted(months):
            start = cls.start_of(month)
            cls.objects.bulk_create(
                [cls(month=month, briefings=0, lastmod=start)], ignore_conflicts=True
            )
            row = cls.objects.select_for_update().get(month=month)
            figures = _figures(start)
            row.briefings = figures.pop("count")
            row.lastmod = max(filter(None, figures.values()), default=start)
            row.save(update_fields=["briefings", "lastmod"])

    @classmethod
    @transaction.atomic
    def rebuild(cls) -> None:
        """Recount every month: after briefings are loaded in bulk (or TIME_ZONE is changed),
        which the workflow's calls to ``refresh`` do not see."""
        starts = Briefing.objects.published().datetimes("published_at", "month")
        kept = cls.objects.values_list("month", flat=True)
        cls.refresh(*starts, *map(cls.start_of, kept))


def _figures(start: datetime) -> dict:
    """How many published briefings were first published in the calendar month from
    ``start``, and when they last changed: a range of the publish-time index, a month's
    briefings only."""
    end = (start + timedelta(days=32)).replace(day=1)
    briefings = Briefing.objects.published().filter(published_at__gte=start, published_at__lt=end)
    dating = Q(public_notes__kind__in=PublicNote.DATING)
    return briefings.aggregate(
        count=Count("pk", distinct=True),  # distinct: a briefing is a row per note
        published=Max("published_at"),
        revised=Max("republished_at"),
        noted=Max("public_notes__created_at", filter=dating),
    )


def briefing_deleted(sender, instance, **kwargs) -> None:
    """A deleted briefing leaves its month (connected in apps.py)."""
    SitemapMonth.refresh(instance.published_at)
