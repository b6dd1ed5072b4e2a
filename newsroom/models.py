from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. The display name is what readers see in a byline."""

    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name shown to readers in bylines. Falls back to the full name or user name.",
    )

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
