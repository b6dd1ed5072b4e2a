"""Load N published briefings, as publishing makes them, for measuring the site at scale.

    manage.py load_briefings --count 100000 [--batch 2000] [--years 3] [--seed 1]
        [--allow-existing]

Each briefing is what ``workflow.publish`` leaves behind: the working copy and its parts
(takeaways, the house sections, some questions and citations), a byline, a source item of one
of a few dozen outlets, and a publication ``Revision`` whose data, listing columns, search
text (and on PostgreSQL search vector) and byline are built by the same code
(``Snapshot``, ``search.document``, ``search.vector``) as ``Revision.freeze``; one in ten was
published twice (two revisions), one in forty carries a correction on its public record, and
every publication is in the transition log. Publish times are spread over ``--years`` up to
now. Rows go in with ``bulk_create``, a batch per transaction; the sitemap index's figures
for each month (``SitemapMonth.rebuild``) are recomputed once at the end.

It refuses a database that already holds briefings (a real newsroom) unless told
``--allow-existing``, and then only adds: it never changes or deletes what is there.
"""

import random
from dataclasses import replace
from datetime import timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from briefings import search, working_copy
from briefings.credits import Credits, credits_for
from briefings.models import (
    HOUSE_SECTIONS,
    Briefing,
    Citation,
    PublicNote,
    QABlock,
    Revision,
    SearchEntry,
    Section,
    SitemapMonth,
    StandardsVersion,
    Takeaway,
    Topic,
    Transition,
)
from briefings.snapshot import PARTS, Snapshot
from newsroom.cache import clear_public_pages
from sources.models import Outlet, SourceItem

MAX_COUNT = 1_000_000
# Common words (the first ones, most often) and made-up rarer ones, so that words are spread
# through the text about as in real writing: a few are everywhere, most are rare.
# fmt: off
COMMON = [
    "council", "harbour", "budget", "river", "school", "water", "energy", "housing", "market",
    "weather", "bridge", "ferry", "tram", "library", "station", "festival", "survey", "district",
    "flood", "clinic", "port", "rail", "court", "vote", "museum",
]
SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "va"]
# fmt: on
RARE = [a + b + c + end for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for end in "nrs"]
WORDS = COMMON + RARE
CUMULATIVE = list(accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))
TOPICS = ["Climate", "Cities", "Health", "Economy", "Science", "Technology", "Politics", "Culture"]
OUTLETS = 40
AUTHORS = 24


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, cum_weights=CUMULATIVE, k=words))
    return text[0].upper() + text[1:]


def _paragraphs(rng: random.Random) -> str:
    return "".join(f"<p>{_sentence(rng, 24)}.</p>" for _ in range(2))


class Command(BaseCommand):
    help = "Load N published briefings (as publishing makes them) for measuring at scale."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="briefings to load")
        parser.add_argument("--batch", type=int, default=2000, help="briefings per transaction")
        parser.add_argument("--years", type=float, default=3, help="publish times span")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="add to a database that already has briefings (nothing there is changed)",
        )

    def handle(self, *args, count, batch, years, seed, allow_existing, **options):
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count must be between 1 and {MAX_COUNT:,}.")
        if not 1 <= batch <= 10_000:
            raise CommandError("--batch must be between 1 and 10,000.")
        if not 0 < years <= 50:
            raise CommandError("--years must be more than 0 and at most 50.")
        existing = Briefing.objects.count()
        if existing and not allow_existing:
            raise CommandError(
                f"This database already has {existing:,} briefings. load_briefings is for an "
                "empty one (a benchmark's); pass --allow-existing to add to it anyway."
            )
        self.rng = random.Random(seed)
        self.run = timezone.now().strftime("%y%m%d%H%M%S%f")  # slugs and addresses of this run
        self.prepare()
        now = timezone.now()
        span = timedelta(days=365 * years)
        done = 0
        while done < count:
            size = min(batch, count - done)
            times = [now - span * (count - n) / count for n in range(done, done + size)]
            with transaction.atomic():
                briefings = self.load_batch(done, times)
                if not done:
                    self.check_like_publishing(briefings[0])
            done += size
            if options["verbosity"] >= 2 or done == count or done % (batch * 10) == 0:
                self.stdout.write(f"{done:,} of {count:,} briefings loaded")
        SitemapMonth.rebuild()  # the sitemap index's figures: the rows went in past the workflow
        clear_public_pages()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count:,} published briefings."))

    def prepare(self) -> None:
        """The topics, outlets, authors and editor the briefings are spread over (made if
        missing, by name: running again reuses them)."""
        self.topics = list(Topic.objects.all())
        if len(self.topics) < 4:
            for position, name in enumerate(TOPICS):
                Topic.objects.get_or_create(
                    slug=slugify(name), defaults={"name": name, "position": position}
                )
            self.topics = list(Topic.objects.all())
        self.outlets = [
            Outlet.objects.get_or_create(
                slug=f"load-outlet-{n}",
                defaults={
                    "name": f"Load outlet {n}",
                    "homepage": f"https://outlet-{n}.example/",
                    "description": "An outlet made by load_briefings.",
                },
            )[0]
            for n in range(1, OUTLETS + 1)
        ]
        users = get_user_model()

        def staff(username, name):
            user = users.objects.filter(username=username).first()
            if user is None:
                user = users(username=username, display_name=name, is_staff=True)
                user.set_unusable_password()
                user.save()
            return user

        self.authors = [staff(f"load-writer-{n}", f"Writer {n}") for n in range(1, AUTHORS + 1)]
        self.editor = staff("load-editor", "Load Editor")
        self.standards = StandardsVersion.objects.current()

    def load_batch(self, first: int, times: list) -> None:
        rng = self.rng
        numbers = range(first, first + len(times))
        outlets = [rng.choice(self.outlets) for _ in numbers]
        items = SourceItem.objects.bulk_create(
            SourceItem(
                outlet=outlet,
                url=f"https://{outlet.slug}.example/{self.run}/{n}",
                title=_sentence(rng, 9),
                summary=_sentence(rng, 30) + ".",
                published_at=when - timedelta(hours=3),
                discovered_at=when - timedelta(hours=2),
                status=SourceItem.Status.USED,
            )
            for n, outlet, when in zip(numbers, outlets, times, strict=True)
        )
        briefings = []
        for n, item, when in zip(numbers, items, times, strict=True):
            headline = _sentence(rng, 8)[:110]
            briefings.append(
                Briefing(
                    headline=headline,
                    slug=f"{slugify(headline)[:90]}-{self.run}-{n}",
                    dek=_sentence(rng, 20) + ".",
                    topic=rng.choice(self.topics),
                    work_type=rng.choice(Briefing.WorkType.values[:4]),
                    attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
                    source_item=item,
                    status=Briefing.Status.PUBLISHED,
                    published_at=when,
                    created_by=self.editor,
                )
            )
        Briefing.objects.bulk_create(briefings)
        bylines = {
            b.pk: sorted(rng.sample(self.authors, rng.choice((1, 1, 2))), key=_pk)
            for b in briefings
        }
        Through = Briefing.authors.through
        Through.objects.bulk_create(
            Through(briefing_id=pk, user_id=user.pk)
            for pk, users in bylines.items()
            for user in users
        )
        parts = {name: {b.pk: [] for b in briefings} for name in PARTS}
        for b in briefings:
            parts["takeaways"][b.pk] = [
                Takeaway(briefing=b, position=p, text=_sentence(rng, 12) + ".") for p in (1, 2, 3)
            ]
            parts["sections"][b.pk] = [
                Section(briefing=b, position=p, heading=heading, body=_paragraphs(rng))
                for p, heading in enumerate(HOUSE_SECTIONS, 1)
            ]
            if b.pk % 5 == 0:
                parts["questions"][b.pk] = [
                    QABlock(
                        briefing=b,
                        position=1,
                        question=_sentence(rng, 7) + "?",
                        answer=_paragraphs(rng),
                    )
                ]
            if b.pk % 3 == 0:
                parts["citations"][b.pk] = [
                    Citation(
                        briefing=b,
                        position=1,
                        title=_sentence(rng, 6),
                        url=f"https://reference.example/{self.run}/{b.pk}",
                        publisher="Reference desk",
                    )
                ]
        for name, (model, _) in PARTS.items():
            model.objects.bulk_create(row for rows in parts[name].values() for row in rows)

        revisions, live = [], {}
        for b, item, outlet in zip(briefings, items, outlets, strict=True):
            item.outlet = outlet
            # What Snapshot.of would read back, built from the rows just written.
            rows = {name: parts[name][b.pk] for name in PARTS}
            snapshot = working_copy.snapshot(b, item, bylines[b.pk], rows)
            versions = [(b.published_at, snapshot)]
            if b.pk % 10 == 0:  # published once, then again with a new headline
                first = replace(snapshot, headline=_sentence(rng, 7)[:110])
                versions = [
                    (b.published_at, first),
                    (b.published_at + timedelta(hours=2), snapshot),
                ]
            for number, (when, page) in enumerate(versions, 1):
                document = search.document(page)
                revision = Revision(
                    briefing=b,
                    number=number,
                    created_by=self.editor,
                    kind=Revision.Kind.PUBLICATION,
                    saved_at=min(when, timezone.now()),
                    standards=self.standards,
                    data=page.dump(),
                    search_document=document,
                    # What the editor's approval writes (credits.record_credits): the log
                    # below holds the publication alone.
                    credits=Credits(
                        writers=tuple(page.byline_names), approver=self.editor.public_name
                    ).as_json(),
                    **page.listing_columns(),
                )
                revisions.append(revision)
            live[b.pk] = revision
        Revision.objects.bulk_create(revisions)
        ids = [r.pk for r in revisions]
        # Revision.freeze's row is created now; these were "created" when they went out.
        written = Revision.objects.filter(pk__in=ids)
        if connection.vendor == "postgresql":
            written.update(created_at=F("saved_at"), search_vector=search.vector())
        else:
            written.update(created_at=F("saved_at"))
        ByLine = Revision.byline.through
        ByLine.objects.bulk_create(
            ByLine(revision_id=r.pk, user_id=user.pk)
            for r in revisions
            for user in bylines[r.briefing_id]
        )
        for b in briefings:
            b.live_revision = live[b.pk]
            if b.live_revision.number > 1:  # as make_live dates a briefing going out again
                b.republished_at = b.live_revision.saved_at
        Briefing.objects.bulk_update(briefings, ["live_revision", "republished_at"])
        SearchEntry.fill(Briefing.objects.filter(pk__in=[b.pk for b in briefings]))
        Briefing.objects.filter(pk__in=[b.pk for b in briefings]).update(
            created_at=F("published_at") - timedelta(hours=1), modified_at=F("published_at")
        )
        Transition.objects.bulk_create(
            Transition(
                briefing_id=r.briefing_id,
                action=Transition.Action.PUBLISH,
                from_status=Briefing.Status.IN_REVIEW,
                to_status=Briefing.Status.PUBLISHED,
                user=self.editor,
                created_at=r.saved_at,
                revision=r,
            )
            for r in revisions
        )
        self.add_corrections([b for b in briefings if b.pk % 40 == 0], live)
        return briefings

    def check_like_publishing(self, briefing: Briefing) -> None:
        """The live revision holds what publishing the working copy now would freeze."""
        revision = Revision.objects.get(pk=briefing.live_revision_id)
        expected = Snapshot.of(Briefing.objects.get(pk=briefing.pk))
        if revision.snapshot != expected or revision.search_document != search.document(expected):
            raise CommandError("A loaded revision differs from what publishing would store.")
        if Credits.from_json(revision.credits) != credits_for(briefing, expected):
            raise CommandError("A loaded revision's credits differ from what approval would store.")

    def add_corrections(self, briefings: list, live: dict) -> None:
        now = timezone.now()
        notes = [
            PublicNote(
                briefing=b,
                revision=live[b.pk],
                kind=PublicNote.Kind.CORRECTION,
                body=f"<p>An earlier version misnamed the {self.rng.choice(WORDS)}.</p>",
                created_at=min(b.published_at + timedelta(days=1), now),
                created_by=self.editor,
            )
            for b in briefings
        ]
        PublicNote.objects.bulk_create(notes)
        Transition.objects.bulk_create(
            Transition(
                briefing=note.briefing,
                action=Transition.Action.CORRECT,
                from_status=Briefing.Status.PUBLISHED,
                to_status=Briefing.Status.PUBLISHED,
                user=self.editor,
                created_at=note.created_at,
                comment="Correction",
                revision=note.revision,
            )
            for note in notes
        )


def _pk(user) -> int:
    return user.pk
