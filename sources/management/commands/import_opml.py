"""Import feeds from an OPML file, as exported by any feed reader."""

import sys

from django.core.management.base import BaseCommand, CommandError

from sources.models import Outlet
from sources.opml import OpmlError, import_feeds, read_opml


class Command(BaseCommand):
    help = "Import the feeds listed in an OPML file (use - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="An OPML file, or - to read standard input.")
        parser.add_argument("--outlet", help="Slug of the outlet every imported feed belongs to.")
        parser.add_argument(
            "--inactive", action="store_true", help="Import the feeds switched off."
        )

    def handle(self, *args, **options):
        outlet = None
        if options["outlet"]:
            outlet = Outlet.objects.filter(slug=options["outlet"]).first()
            if outlet is None:
                raise CommandError(f"No outlet with the slug {options['outlet']!r}.")
        try:
            if options["file"] == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as handle:
                    data = handle.read()
            entries = read_opml(data)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        except OpmlError as error:
            raise CommandError(str(error)) from error
        report = import_feeds(entries, outlet=outlet, active=not options["inactive"])
        for reason in report.skipped:
            self.stderr.write(f"Skipped {reason}")
        for created in report.outlets_created:
            self.stdout.write(f"New outlet: {created.name} ({created.homepage})")
        self.stdout.write(
            f"Imported {len(report.feeds_created)} feed(s); "
            f"{len(report.feeds_existing)} already known, {len(report.skipped)} skipped, "
            f"{len(report.outlets_created)} new outlet(s)."
        )
