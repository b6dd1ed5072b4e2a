"""Export the feeds as OPML, for a feed reader or another Newsroom."""

from django.core.management.base import BaseCommand

from sources.models import Feed
from sources.opml import export_opml


class Command(BaseCommand):
    help = "Write every feed (or only the active ones) as OPML to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument("--active", action="store_true", help="Only the active feeds.")

    def handle(self, *args, **options):
        feeds = Feed.objects.all()
        if options["active"]:
            feeds = feeds.filter(is_active=True)
        document = export_opml(feeds)
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(document)
            self.stderr.write(f"Wrote {feeds.count()} feed(s) to {options['output']}.")
        else:
            self.stdout.write(document.decode(), ending="")
