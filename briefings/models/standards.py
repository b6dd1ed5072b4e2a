from django.conf import settings
from django.db import models
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
    def current(self):
        return self.filter(effective_at__lte=timezone.now()).order_by("-effective_at").first()


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
