from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsroom.fields import RichTextField

# Anchored sections of the standards page that the site's markup links to by name.
POLICY_ANCHORS = {
    "correctionsPolicy": "corrections",
    "ethicsPolicy": "ethics",
    "verificationFactCheckingPolicy": "verification",
    "unnamedSourcesPolicy": "unnamed-sources",
    "actionableFeedbackPolicy": "feedback",
    "ownershipFundingInfo": "ownership",
}


class StandardsVersionQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Versions that have taken effect by ``at`` (by default now), newest first."""
        return self.filter(effective_at__lte=at or timezone.now()).order_by("-effective_at", "-pk")

    def current(self, at=None):
        """The version in force at ``at`` (by default now), or None before the first."""
        return self.in_force(at).first()


class StandardsVersion(models.Model):
    """One version of the public standards page. Versions are added, never rewritten,
    so the page can show its own change history."""

    title = models.CharField(max_length=120, default="Our standards")
    method_summary = models.TextField(
        help_text="One paragraph for the “How we report” box on every briefing."
    )
    body = RichTextField(
        help_text="Give policy sections anchored headings, e.g. "
        '<h2 id="corrections">Corrections</h2>. Anchors the site links to: '
        + ", ".join(POLICY_ANCHORS.values())
        + "."
    )
    change_summary = models.CharField(
        max_length=300, help_text="What changed in this version, shown in the public history."
    )
    effective_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StandardsVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_at"]
        verbose_name = "standards page version"

    def __str__(self) -> str:
        return f"{self.title} ({self.effective_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        """The stable address of this version's full text."""
        return reverse("briefings:standards_version", args=[self.pk])
