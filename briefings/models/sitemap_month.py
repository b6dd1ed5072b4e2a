"""What the sitemap index says of each month: how many briefings were first published in it
and when they last changed for readers. Kept up to date by ``briefings.sitemaps.refresh_months``
whenever readers' briefings change, so the index reads these few rows instead of grouping and
counting every published briefing."""

from django.db import models


class SitemapMonth(models.Model):
    # The month's first day in the site's time zone (TIME_ZONE), as TruncMonth gives it.
    month = models.DateField(unique=True)
    briefings = models.PositiveIntegerField()  # published, first published that month
    # The latest first publication, republication or dated public note of those briefings.
    lastmod = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.briefings}"
