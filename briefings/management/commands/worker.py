"""The task worker: django-tasks-db's ``db_worker`` (same options), which first makes sure
the repeating check for due scheduled briefings is queued, so starting the worker is all
scheduled publication needs. Run one or several (docs/operations.md)."""

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from briefings.tasks import CHECK_EVERY_SECONDS, schedule_checks


class Command(DBWorkerCommand):
    help = (
        "Run the task worker (db_worker), with the repeating check that publishes scheduled "
        "briefings when their time comes."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--check-every",
            type=int,
            default=CHECK_EVERY_SECONDS,
            help="Seconds between checks for due scheduled briefings (default: %(default)s).",
        )

    def handle(self, *args, check_every, **options):
        if not 1 <= check_every <= 60:
            raise CommandError("--check-every must be between 1 and 60 seconds.")
        schedule_checks(check_every)
        super().handle(*args, **options)
