from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .urlnorm import canonicalize_url

web_url = URLValidator(schemes=["http", "https"])


class Outlet(models.Model):
    """A publication we discover stories from."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    homepage = models.URLField(max_length=500, validators=[web_url])
    description = models.TextField(blank=True, help_text="One line for the public sources page.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeedQuerySet(models.QuerySet):
    def due(self, now=None):
        """Active feeds whose next poll time has come (or that were never polled)."""
        now = now or timezone.now()
        return self.filter(is_active=True).filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
        )

    def unlocked(self, now=None):
        """Feeds no poller is working on right now."""
        now = now or timezone.now()
        return self.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))


class Feed(models.Model):
    """An RSS or Atom feed of an outlet, and where its polling stands."""

    class Health(models.TextChoices):
        INACTIVE = "inactive", "Inactive"
        NEVER_POLLED = "never", "Never polled"
        OK = "ok", "OK"
        FAILING = "failing", "Failing"

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(
        "feed URL",
        max_length=1000,
        unique=True,
        validators=[web_url],
        help_text="The RSS or Atom address. Updated automatically when the feed moves for good.",
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="Filled in from the feed when left empty."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive feeds are never polled on schedule."
    )
    poll_interval = models.PositiveIntegerField(
        "poll every (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )

    # Polling state, written by the poller only.
    etag = models.CharField("ETag", max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    last_polled_at = models.DateTimeField("last attempt", null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField("last success", null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    last_entry_count = models.PositiveIntegerField(
        "items in the feed last time", default=0, editable=False
    )
    last_new_count = models.PositiveIntegerField("new items last time", default=0, editable=False)
    next_poll_at = models.DateTimeField(
        "next poll", null=True, blank=True, db_index=True, editable=False
    )
    locked_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set while a poller works on this feed, so no two pollers fetch it at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    POLLING_STATE = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "failing_since",
        "consecutive_failures",
        "last_entry_count",
        "last_new_count",
        "next_poll_at",
    ]

    class Meta:
        ordering = ["outlet__name", "url"]
        permissions = [("poll_feed", "Can poll feeds on demand")]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def health(self) -> str:
        if not self.is_active:
            return self.Health.INACTIVE
        if self.consecutive_failures:
            return self.Health.FAILING
        if self.last_success_at is None:
            return self.Health.NEVER_POLLED
        return self.Health.OK

    def get_health_display(self) -> str:
        return self.Health(self.health).label

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.poll_interval)


class SourceItem(models.Model):
    """One story discovered in a feed or added by hand, with its triage status."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        SHORTLISTED = "shortlisted", "Shortlisted"
        DISMISSED = "dismissed", "Dismissed"
        USED = "used", "Used"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="items")
    feed = models.ForeignKey(
        Feed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        help_text="The feed it was discovered in; empty for items added by hand.",
    )
    url = models.URLField(
        "canonical URL",
        max_length=1000,
        unique=True,
        validators=[web_url],
        help_text="Tracking parameters (utm_…) and fragments are removed on save.",
    )
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    title = models.CharField(max_length=500)
    summary = models.TextField(
        blank=True, help_text="Plain text; markup pasted here is turned into text."
    )
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )

    class Meta:
        ordering = ["-discovered_at", "-id"]
        # The admin calls the list of items what writers call it.
        verbose_name = "inbox item"
        verbose_name_plural = "inbox"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "shortlisted", "dismissed", "used"]),
                name="sourceitem_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.url = canonicalize_url(self.url)
        super().save(*args, **kwargs)
