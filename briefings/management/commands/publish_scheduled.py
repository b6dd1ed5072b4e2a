"""Publish scheduled briefings whose time has come. Run it from cron every minute:

* * * * *  cd /srv/newsroom && .venv/bin/python manage.py publish_scheduled
"""

from django.core.management.base import BaseCommand

from briefings import workflow


class Command(BaseCommand):
    help = "Publish scheduled briefings whose publish time has come (for cron, every minute)."

    def handle(self, *args, **options):
        published = workflow.publish_due_scheduled()
        for briefing in published:
            self.stdout.write(f"Published “{briefing.headline}” ({briefing.get_absolute_url()})")
        if options["verbosity"] > 1 or published:
            self.stdout.write(f"{len(published)} scheduled briefing(s) published.")
