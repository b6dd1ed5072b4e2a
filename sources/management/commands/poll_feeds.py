"""Poll the feeds that are due. Run it from cron or a systemd timer every few minutes."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from sources.models import Feed
from sources.polling import poll_all_feeds, poll_due_feeds, poll_feed


class Command(BaseCommand):
    help = (
        "Poll the feeds that are due (or --all active feeds, or the feeds named by id or URL). "
        "Safe to run in several places at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("feeds", nargs="*", help="Feed ids or URLs to poll now, due or not.")
        parser.add_argument("--all", action="store_true", help="Poll every active feed now.")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the poll as a background task for `manage.py db_worker` instead.",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Start the repeating background poll (the cron-free set-up); idempotent.",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=120,
            help="Seconds between background runs with --schedule (default 120).",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            return self.schedule(options["every"])
        feeds = [self.find(name) for name in options["feeds"]]
        if options["enqueue"]:
            return self.enqueue(feeds, options["all"])
        if feeds:
            results = [poll_feed(feed.pk) for feed in feeds]
        elif options["all"]:
            results = poll_all_feeds()
        else:
            results = poll_due_feeds()
        self.report(results, options["verbosity"] > 1 or bool(feeds))

    def find(self, name: str) -> Feed:
        feed = Feed.objects.filter(pk=int(name)).first() if name.isdigit() else None
        feed = feed or Feed.objects.filter(url=name).first()
        if feed is None:
            raise CommandError(f"No feed with the id or URL {name!r}.")
        return feed

    def enqueue(self, feeds: list[Feed], everything: bool) -> None:
        from sources.tasks import poll_due_feeds_task, poll_feed_task

        if everything:
            feeds = list(Feed.objects.filter(is_active=True))
        for feed in feeds:
            poll_feed_task.enqueue(feed.pk)
        if not feeds:
            poll_due_feeds_task.enqueue()
        if feeds:
            self.stdout.write(f"Queued {len(feeds)} background poll(s).")
        else:
            self.stdout.write("Queued a background poll of the feeds that are due.")

    def schedule(self, every: int) -> None:
        from sources.tasks import schedule_polling

        if every < 10:
            raise CommandError("--every must be at least 10 seconds.")
        try:
            queued = schedule_polling(every)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if queued:
            self.stdout.write(f"Background polling scheduled every {every} s; run db_worker.")
        else:
            self.stdout.write("Background polling is already scheduled.")

    def report(self, results, each: bool) -> None:
        polled = [result for result in results if result.outcome != "skipped"]
        if each:
            urls = dict(
                Feed.objects.filter(pk__in=[r.feed_id for r in results]).values_list("pk", "url")
            )
            for result in results:
                line = f"{urls.get(result.feed_id, result.feed_id)}: {result}"
                failed = result.outcome in {"failed", "gone"}
                (self.stderr if failed else self.stdout).write(line)
        if not polled:
            return
        outcomes = Counter(result.outcome for result in polled)
        new_items = sum(result.new_items for result in polled)
        failed = outcomes["failed"] + outcomes["gone"]
        self.stdout.write(
            f"Polled {len(polled)} feed(s): {new_items} new item(s), "
            f"{outcomes['unchanged']} unchanged, {failed} failed."
        )
