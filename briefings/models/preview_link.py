"""Expiring, revocable links that show one briefing's preview to someone without an account."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .briefing import Briefing


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class PreviewLink(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who revoked it, for the activity log (empty for links revoked before it "
        "was recorded).",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "preview share link"

    def __str__(self) -> str:
        return f"Preview link for “{self.briefing}” until {self.expires_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("briefings:shared_preview", args=[self.token])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
