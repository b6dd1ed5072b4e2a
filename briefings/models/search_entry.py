"""What public search reads (``briefings.search``): one narrow row per briefing readers can
see, or will see at its publish time.

A search ranks the newest matches only, so it needs each match's publish time beside its
text. Read from the revisions, that meant joining the matching revisions to every briefing to
find which are live and when they went out (about 100 ms for a word in one briefing in
twenty, at 100,000 briefings). An entry holds the live revision's search vector, the publish
time and the topic, kept in the row itself (compressed, not moved out to a TOAST table: set
in the migration), so a common word walks the newest entries and tests each one, and a rarer
word is read from the GIN index and only its matches are sorted.

Entries are written in the same transaction as the briefing's state (``update_for``, called
by the workflow): a briefing has one while it has a live revision and is not withdrawn. One
scheduled for later has one already; search reads only those whose time has come.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import OuterRef, Subquery

from .briefing import Briefing
from .revision import Revision


class SearchEntry(models.Model):
    briefing = models.OneToOneField(
        Briefing, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    published_at = models.DateTimeField()
    topic = models.ForeignKey(
        "briefings.Topic", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The live revision's ``search_vector`` (PostgreSQL only; empty elsewhere, where search
    # reads the revisions' text instead).
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [
            models.Index(fields=["published_at", "briefing"], name="search_entry_newest"),
            # Created on PostgreSQL only (see the migration that adds it).
            GinIndex(fields=["vector"], name="search_entry_vector"),
        ]

    def __str__(self) -> str:
        return f"Search entry of briefing {self.briefing_id}"

    @classmethod
    def update_for(cls, briefing: Briefing) -> None:
        """Make ``briefing``'s entry match its state now: its live revision's text, topic and
        publish time, or no entry once it has no live revision or is withdrawn."""
        live = briefing.live_revision if briefing.live_revision_id else None
        if live is None or briefing.status == Briefing.Status.WITHDRAWN:
            cls.objects.filter(briefing_id=briefing.pk).delete()
            return
        vector = Revision.objects.filter(pk=live.pk).values("search_vector")
        entry = cls(
            briefing_id=briefing.pk,
            published_at=briefing.published_at,
            topic_id=live.topic_id,
            vector=Subquery(vector) if connection.vendor == "postgresql" else None,
        )
        cls.objects.bulk_create(  # one INSERT … ON CONFLICT DO UPDATE
            [entry],
            update_conflicts=True,
            unique_fields=["briefing"],
            update_fields=["published_at", "topic", "vector"],
        )

    @classmethod
    def fill(cls, briefings) -> None:
        """Write the missing entries of ``briefings`` (a queryset): for bulk loads."""
        live = briefings.filter(live_revision__isnull=False, search_entry__isnull=True)
        rows = live.exclude(status=Briefing.Status.WITHDRAWN).values_list(
            "pk", "published_at", "live_revision__topic_id"
        )
        made = cls.objects.bulk_create(
            cls(briefing_id=pk, published_at=published_at, topic_id=topic)
            for pk, published_at, topic in rows
        )
        if connection.vendor == "postgresql":
            live = Briefing.objects.filter(pk=OuterRef("pk"))
            cls.objects.filter(pk__in=[entry.pk for entry in made]).update(
                vector=Subquery(live.values("live_revision__search_vector"))
            )
