"""Publish scheduled briefings whose time has come. The task worker (``manage.py worker``)
does this by itself; without a worker, run this from cron every minute:

* * * * *  cd /srv/newsroom && .venv/bin/python manage.py publish_scheduled

Each run records the check-in that tells the desk (and ``/health/``) scheduling is running,
and clears the public pages when a standards version took effect since the run before.
"""

from django.core.management.base import BaseCommand

from briefings.tasks import run_due


class Command(BaseCommand):
    help = "Publish scheduled briefings whose publish time has come (for cron, every minute)."

    def handle(self, *args, **options):
        published = run_due()
        for briefing in published:
            self.stdout.write(f"Published “{briefing.headline}” ({briefing.get_absolute_url()})")
        if options["verbosity"] > 1 or published:
            self.stdout.write(f"{len(published)} scheduled briefing(s) published.")
