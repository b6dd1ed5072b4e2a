"""Readers' reports of an error on a published briefing: the triage queue behind the "Report
an error" form. An editor accepts or declines a report; an accepted one can become a note on
the public record, which the report then points to."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .briefing import Briefing
from .public_note import PublicNote

PASSAGE_MAX_LENGTH = 1000
PROBLEM_MAX_LENGTH = 3000


class ErrorReport(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="error_reports")
    passage = models.TextField(
        "quoted passage",
        max_length=PASSAGE_MAX_LENGTH,
        help_text="The words of the briefing the reader thinks are wrong.",
    )
    problem = models.TextField("what is wrong", max_length=PROBLEM_MAX_LENGTH)
    email = models.EmailField(
        blank=True, help_text="Only to tell the reader when the report is resolved."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_note = models.ForeignKey(
        PublicNote,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="error_reports",
        help_text="The correction or clarification this report led to.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "accepted", "declined"]),
                name="errorreport_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Report of {self.created_at:%Y-%m-%d %H:%M} on “{self.briefing}”"

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.DECLINED or self.public_note_id is not None
