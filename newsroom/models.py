from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.text import slugify

SLUG_MAX_LENGTH = 120


class User(AbstractUser):
    """A member of staff. The display name is what readers see in a byline."""

    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name shown to readers in bylines. Falls back to the full name or user name.",
    )
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        help_text="The author page's address (/authors/<slug>/), made from the display name "
        "when the user is created. Changing it breaks links to the old address.",
    )
    bio = models.CharField(
        max_length=500,
        blank=True,
        help_text="A sentence or two about the author, shown on their public author page.",
    )

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.public_name, User.objects.exclude(pk=self.pk))
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


def unique_slug(name: str, users) -> str:
    """A slug made from ``name`` that none of ``users`` has ("jane-doe", then "jane-doe-2")."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or "author"
    taken = set(users.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class SchedulerCheckIn(models.Model):
    """When scheduled publication last ran: written by the task worker's recurring check
    (and the ``publish_scheduled`` cron command) each time it has looked for due briefings.
    One row; ``newsroom.health`` reads it for the desk's warning and the health endpoint."""

    at = models.DateTimeField()

    class Meta:
        verbose_name = "scheduler check-in"

    def __str__(self) -> str:
        return f"Scheduler checked in at {self.at:%Y-%m-%d %H:%M:%S %Z}"
