"""The workflow log: every transition of a briefing, who made it, when, and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .briefing import Briefing


class Transition(models.Model):
    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNSCHEDULE = "unschedule", "Cancelled the schedule"
        PUBLISH_SCHEDULED = "publish_scheduled", "Published at its scheduled time"
        WITHDRAW = "withdraw", "Withdrew"
        CORRECT = "correct", "Added a public note"
        RESTORE = "restore", "Restored a revision"

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Briefing.Status.choices)
    to_status = models.CharField(max_length=20, choices=Briefing.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the newsroom did it on its own (a scheduled publication).",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    revision = models.ForeignKey(
        "briefings.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision this transition made live or restored.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "workflow transition"

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.from_status} → {self.to_status}"

    @property
    def actor_name(self) -> str:
        return self.user.public_name if self.user else "The newsroom (automatic)"
