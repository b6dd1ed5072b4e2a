"""Revisions: frozen snapshots of a briefing and all its parts.

Readers are shown the briefing's live revision, never the working copy in the tables,
so an edit reaches them only when an editor publishes it again. A revision's content is read
and written only through its typed snapshot (``briefings.snapshot``).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from .briefing import Briefing


class Revision(models.Model):
    class Kind(models.TextChoices):
        # Frozen to be published (made live now, or scheduled): what readers see or saw.
        PUBLICATION = "publication", "Published"
        # The working copy as a save left it (and as a restore found it): for the desk only,
        # never shown to readers.
        DRAFT = "draft", "Saved draft"

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PUBLICATION)
    # When the content was last written: a saved draft takes the saves that follow it closely
    # (workflow.keep_draft); a publication is never rewritten.
    saved_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied out of the snapshot (Snapshot.listing_columns), so that listings need not load it.
    headline = models.CharField(max_length=110)
    dek = models.CharField(max_length=300, blank=True)
    topic = models.ForeignKey("briefings.Topic", on_delete=models.PROTECT, related_name="+")
    work_type = models.CharField(max_length=12, choices=Briefing.WorkType.choices, blank=True)
    # The attribution readers see: the outlet and original item the briefing began from.
    source_outlet = models.ForeignKey(
        "sources.Outlet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_url = models.URLField(max_length=1000, blank=True)
    source_title = models.CharField(max_length=500, blank=True)
    # The briefing this revision follows up: "published follow-ups of X" is one query on
    # live revisions (``live_revision__follows``).
    follows = models.ForeignKey(
        "briefings.Briefing", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The byline readers saw (the snapshot's, its users that still exist): author pages and
    # the author sitemap query it.
    byline = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="bylined_revisions", blank=True
    )
    # The stored lead image's name: media serving asks which images readers may see.
    lead_image = models.CharField(max_length=200, blank=True, db_index=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    # The standards version in force when this revision went live (empty for revisions readers
    # never saw, and for publications before any standards page existed).
    standards = models.ForeignKey(
        "briefings.StandardsVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who wrote, edited and approved it, as readers are told (``briefings.credits``): written
    # when an editor approves it (publishes or schedules it), read from the workflow's log as
    # it was then. Empty for revisions made live otherwise; those are credited from the log.
    credits = models.JSONField(null=True, blank=True, editable=False)
    # What search reads (briefings.search): the text beneath the headline, written when the
    # revision is frozen, and on PostgreSQL its weighted tsvector (empty elsewhere), which the
    # briefing's ``SearchEntry`` copies when the revision goes live.
    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of “{self.headline}”"

    @property
    def lead_image_url(self) -> str:
        return default_storage.url(self.lead_image) if self.lead_image else ""

    @cached_property
    def snapshot(self):
        from ..snapshot import Snapshot

        return Snapshot.load(self.data)

    @classmethod
    def freeze(
        cls, briefing: Briefing, user=None, snapshot=None, standards=None, kind=Kind.PUBLICATION
    ) -> "Revision":
        """Store ``snapshot`` (by default the working copy as it is now) as the next revision
        of ``briefing``; ``standards`` is the standards version it is published under, if it
        is frozen to go live. ``kind`` says whether it is frozen for publication or is a
        saved draft."""
        from .. import search
        from ..snapshot import Snapshot

        snapshot = snapshot or Snapshot.of(briefing)
        last = briefing.revisions.order_by("-number").values_list("number", flat=True).first()
        document = search.document(snapshot)
        revision = cls.objects.create(
            briefing=briefing,
            number=(last or 0) + 1,
            created_by=user,
            kind=kind,
            standards=standards,
            data=snapshot.dump(),
            search_document=document,
            search_vector=search.vector_of(snapshot.headline, snapshot.dek, document),
            **snapshot.listing_columns(),
        )
        revision.__dict__.pop("search_vector")  # an expression: read back if ever asked for
        revision.__dict__["snapshot"] = snapshot
        ids = [person.id for person in snapshot.byline if person.id]
        if ids:  # the byline's users that still exist (a new revision has no rows to keep)
            users = get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True)
            cls.byline.through.objects.bulk_create(
                cls.byline.through(revision=revision, user_id=pk) for pk in users
            )
        return revision

    def rewrite(self, snapshot) -> None:
        """Replace a saved draft's content with ``snapshot`` (a later save of the same
        stretch of work). Publications are frozen for good."""
        if self.kind != self.Kind.DRAFT:
            raise ValueError("Only a saved draft is rewritten.")
        self.data = snapshot.dump()
        for name, value in snapshot.listing_columns().items():
            setattr(self, name, value)
        self.saved_at = timezone.now()
        self.save()
        self.__dict__["snapshot"] = snapshot

    @transaction.atomic
    def restore(self) -> Briefing:
        """Write this snapshot back into the briefing's working copy."""
        briefing = Briefing.objects.select_for_update().get(pk=self.briefing_id)
        self.snapshot.write_to(briefing)
        return briefing
