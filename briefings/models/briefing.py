from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils import timezone

from ..images import clean_new_lead_image, image_size, lead_image_path


class Topic(models.Model):
    """A section of the site, such as Climate or Technology."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in the site navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("briefings:topic", args=[self.slug])


def validate_ai_uses(value) -> None:
    known = set(Briefing.AIUse.values)
    if not isinstance(value, list) or not set(value) <= known:
        raise ValidationError(
            "Choose what the AI did from the list: " + ", ".join(Briefing.AIUse.labels) + "."
        )


def admin_search_text():
    """What the admin list's search looks in on PostgreSQL: headline, dek and slug as one
    upper-case text, under a trigram index, so a search is one indexed match per word instead
    of three case-insensitive scans of the table (``BriefingAdmin.get_search_results``)."""
    text = Concat("headline", Value(" "), "dek", Value(" "), "slug", output_field=TextField())
    return Upper(text)


class BriefingQuerySet(models.QuerySet):
    def published(self, now=None):
        """Briefings a reader may see: those with a live revision whose publish time has come,
        unless withdrawn.

        A published briefing whose next changes are in review (status in review or changes
        requested) stays public: readers keep seeing its live revision.
        """
        now = now or timezone.now()
        return self.filter(live_revision__isnull=False, published_at__lte=now).exclude(
            status=Briefing.Status.WITHDRAWN
        )

    def with_noted_at(self):
        """Annotate ``noted_at``: when the latest correction, clarification or update went
        on the public record (None without one)."""
        from .public_note import PublicNote

        # A subquery per row (the notes' briefing index), not a join grouped by every column:
        # grouping kept the database from stopping at a listing's first rows.
        latest = (
            PublicNote.objects.filter(briefing=models.OuterRef("pk"), kind__in=PublicNote.DATING)
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.annotate(noted_at=models.Subquery(latest))

    def newest_by(self, field):
        """A subquery to annotate rows (topics, outlets, authors) with: the publish time of
        the newest of these briefings whose live revision's ``field`` is the row, found by
        walking the published-listing index from the newest (never by grouping every
        briefing); None without one.

        A row no revision names (an outlet no briefing began from yet) would have that walk
        reach the oldest briefing: the revisions' own index answers for it first."""
        from .revision import Revision

        these = self.filter(**{f"live_revision__{field}": models.OuterRef("pk")})
        newest = models.Subquery(these.order_by("-published_at").values("published_at")[:1])
        named = models.Exists(Revision.objects.filter(**{field: models.OuterRef("pk")}))
        return models.Case(models.When(named, then=newest))

    def for_listing(self):
        """Published briefings as listings show them: the live headline, dek and topic."""
        return (
            self.published()
            .select_related("live_revision__topic")
            .defer(
                "live_revision__data",
                "live_revision__search_document",
                "live_revision__search_vector",
            )
            .order_by("-published_at", "-id")
        )

    def for_cards(self):
        """``for_listing``, loading only what a card shows (partials/briefing_card.html)."""
        return self.for_listing().only(*CARD_FIELDS)


# What a card shows of a briefing: its address, date and live headline, dek, type, image, topic.
CARD_FIELDS = (
    "slug",
    "status",
    "published_at",
    "live_revision",
    "live_revision__headline",
    "live_revision__dek",
    "live_revision__work_type",
    "live_revision__lead_image",
    "live_revision__topic",
    "live_revision__topic__name",
    "live_revision__topic__slug",
)


class Briefing(models.Model):
    """A short, sourced briefing.

    The table holds the working copy; readers see ``live_revision``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class WorkType(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        EXPLAINER = "explainer", "Explainer"
        OPINION = "opinion", "Opinion"
        SPONSORED = "sponsored", "Sponsored"

    class AttributionKind(models.TextChoices):
        ORIGINAL = "original", "Original reporting"
        SOURCE_ASSISTED = "source_assisted", "Source assisted"
        MULTI_SOURCE = "multi_source", "Multi-source roundup"

    # The "How we report" box: the method, as true for each kind of sourcing.
    METHOD_NOTES = {
        "source_assisted": (
            "This briefing began from a story another outlet reported first. We name that "
            "source and link to it, add context in our own words, and an editor reviewed the "
            "briefing before publication."
        ),
        "original": (
            "This is our own reporting: we gathered the facts ourselves, list the sources we "
            "relied on, and an editor reviewed the briefing before publication."
        ),
        "multi_source": (
            "This roundup draws on the reporting of several outlets, each named and linked "
            "here; we add context in our own words, and an editor reviewed the briefing before "
            "publication."
        ),
    }

    class ImageSourceType(models.TextChoices):
        # IPTC digital source type vocabulary.
        PHOTOGRAPH = "digitalCapture", "Photograph"
        ILLUSTRATION = "digitalCreation", "Illustration made with digital tools"
        DATA = "dataDrivenMedia", "Chart or data visualisation"
        AI_GENERATED = "trainedAlgorithmicMedia", "Generated by an AI model"
        AI_EDITED = "compositeWithTrainedAlgorithmicMedia", "Photograph edited with generative AI"
        SCREENSHOT = "screenCapture", "Screenshot"

    AI_IMAGE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia")

    class AIUse(models.TextChoices):
        # The label completes "We used <tool> to …".
        SUMMARY = "summary", "summarise the source"
        TAKEAWAYS = "takeaways", "draft the key takeaways"
        TRANSLATION = "translation", "translate the source"
        IMAGE = "image", "generate the lead image"
        OTHER = "other", "other (say what)"

    # Blank while a draft is being written (a draft started from an item begins empty); the
    # checklist wants one before review and publication.
    headline = models.CharField(max_length=110, blank=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The public address: follows the headline until first published, then fixed.",
    )
    dek = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences that say what happened."
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="briefings")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="briefings", blank=True, verbose_name="byline"
    )
    work_type = models.CharField(
        "type of work", max_length=12, choices=WorkType.choices, default=WorkType.EXPLAINER
    )

    lead_image = models.ImageField(upload_to=lead_image_path, blank=True)
    # Measured when an image is stored (``save``), so pages give the <img> its size. Not the
    # image field's width_field: that opens the file whenever a row without a size is loaded.
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_alt = models.CharField("alt text", max_length=250, blank=True)
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField(
        "credit", max_length=200, blank=True, help_text="Who made the image, or which tool."
    )
    lead_image_source_type = models.CharField(
        "image source type", max_length=40, choices=ImageSourceType.choices, blank=True
    )

    attribution_kind = models.CharField(
        max_length=20, choices=AttributionKind.choices, default=AttributionKind.ORIGINAL
    )
    source_item = models.ForeignKey(
        "sources.SourceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        help_text="The discovered item this briefing began from.",
    )
    # Part of the content readers see (it is in the snapshot): a published briefing is never
    # deleted while a briefing, or a revision readers may have seen, follows it up.
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The published briefing this one follows up, if any.",
    )
    ai_assisted = models.BooleanField(
        "AI assistance used",
        default=False,
        help_text="Readers are told which tool did what, and who checked it.",
    )
    ai_tool = models.CharField(
        "AI tool or model", max_length=120, blank=True, help_text="For example “ChatGPT-4o”."
    )
    ai_uses = models.JSONField(
        "what the AI did",
        default=list,
        blank=True,
        help_text="Every use that applies.",
        validators=[validate_ai_uses],
    )
    ai_use_other = models.CharField(
        "other use",
        max_length=160,
        blank=True,
        help_text="Completes “We used the tool to …”, for example “suggest questions”.",
    )
    ai_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="checked by",
        help_text="The person who checked the AI's work against the sources.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="Set on first publication; a future time schedules the briefing.",
    )
    live_revision = models.ForeignKey(
        "briefings.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    has_unpublished_changes = models.BooleanField(default=False, editable=False)
    # When a briefing already out went out again with a new live revision (that revision's
    # time); None if it never did. Kept here, with an index, so the sitemap index can date
    # each month's republications without reading the revisions.
    republished_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-modified_at"]
        # The admin list's sort columns, each with the id that breaks ties (either direction
        # is one index scan); listings read publish time and id. The admin's trigram search
        # index is created on PostgreSQL only (migration 0023).
        indexes = [
            # What readers' listings walk: published briefings (by their live revision, not
            # withdrawn; the publish time is the key) newest first, read from the index alone.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(live_revision__isnull=False) & ~Q(status="withdrawn"),
                name="briefing_published_listing",
            ),
            models.Index(
                fields=["published_at", "republished_at"],
                condition=Q(live_revision__isnull=False, republished_at__isnull=False)
                & ~Q(status="withdrawn"),
                name="briefing_republished",
            ),
            GinIndex(
                OpClass(admin_search_text(), name="gin_trgm_ops"), name="briefing_admin_search"
            ),
        ] + [
            models.Index(fields=[name, "id"], name=f"briefing_{name}_id"[:30])
            for name in (
                "headline",
                "topic",  # beside the topics' own order: see paging.IdsFirstPaginator
                "status",
                "has_unpublished_changes",
                "work_type",
                "published_at",
                "modified_at",
            )
        ]
        permissions = [
            ("edit_others_briefing", "Can edit briefings written by others"),
            ("review_briefing", "Can request changes on briefings in review"),
            ("publish_briefing", "Can approve, schedule and publish briefings"),
            ("withdraw_briefing", "Can withdraw published briefings"),
            ("correct_briefing", "Can add corrections to published briefings"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "in_review",
                        "changes_requested",
                        "scheduled",
                        "published",
                        "withdrawn",
                    ]
                ),
                name="briefing_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "scheduled"]) | Q(published_at__isnull=False),
                name="briefing_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.headline or "Untitled draft"

    def save(self, *args, **kwargs):
        clean_new_lead_image(self)  # never a raw upload stored, whoever saves
        if not self.lead_image:
            self.lead_image_width = self.lead_image_height = None
        elif not self.lead_image._committed:
            self.lead_image_width, self.lead_image_height = image_size(self.lead_image.file)
        fields = kwargs.get("update_fields")
        if fields is not None and "lead_image" in fields:
            kwargs["update_fields"] = {*fields, "lead_image_width", "lead_image_height"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("briefings:detail", args=[self.slug])

    @property
    def is_live(self) -> bool:
        """True when readers can see this briefing (its live revision)."""
        return (
            self.live_revision_id is not None
            and self.published_at is not None
            and self.status != self.Status.WITHDRAWN
            and self.published_at <= timezone.now()
        )

    def is_written_by(self, user) -> bool:
        """The user is on the byline or started the briefing."""
        if user is None or not user.is_authenticated:
            return False
        if self.created_by_id == user.pk:
            return True
        return self.pk is not None and self.authors.filter(pk=user.pk).exists()
