"""Recompute what public pages read beside the briefings themselves: the search entries
(``SearchEntry``) and the sitemap index's months (``SitemapMonth``).

The workflow keeps both in the transaction of each change readers see. Run this after what the
workflow does not see: a change of ``TIME_ZONE`` (the months are the site's calendar months),
an edit of briefings in SQL, or a restore of part of the data. It runs in one transaction, so
readers see the old figures until it commits, and it clears the page cache afterwards.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from briefings.models import Briefing, SearchEntry, SitemapMonth
from newsroom.cache import clear_public_pages


class Command(BaseCommand):
    help = (
        "Recompute the search entries and the sitemap index's months from the briefings "
        "(after a TIME_ZONE change or an edit in SQL)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            SearchEntry.fill(Briefing.objects.all())
            SitemapMonth.rebuild()
        clear_public_pages()
        entries = SearchEntry.objects.count()
        months = SitemapMonth.objects.filter(briefings__gt=0).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{entries:,} search entries; {months:,} months with published briefings."
            )
        )
