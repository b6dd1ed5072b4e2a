from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsroom.sanitize import strip_tags

from .urlnorm import canonicalize_url


class Outlet(models.Model):
    """A publication we discover stories from."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    homepage = models.URLField(max_length=500)
    description = models.TextField(blank=True, help_text="One line for the public sources page.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("briefings:outlet", args=[self.slug])


class SourceItemQuerySet(models.QuerySet):
    def for_inbox(self):
        return self.select_related("outlet").order_by("-discovered_at", "-id")


class SourceItem(models.Model):
    """One story discovered in a feed or added by hand, with its triage status."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        SHORTLISTED = "shortlisted", "Shortlisted"
        DISMISSED = "dismissed", "Dismissed"
        USED = "used", "Used"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="items")
    url = models.URLField(
        "canonical URL",
        max_length=1000,
        unique=True,
        help_text="Tracking parameters (utm_…) and fragments are removed on save.",
    )
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True, help_text="Plain text; markup is removed on save.")
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )

    objects = SourceItemQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at", "-id"]
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
        self.summary = strip_tags(self.summary)
        super().save(*args, **kwargs)
