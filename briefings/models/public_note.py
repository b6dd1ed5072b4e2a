"""The public record of a briefing: corrections, clarifications, updates and withdrawals.

Each note is dated, attached to the briefing and to the revision readers saw when it went out,
and shown beside whichever revision is live. The record is append-only: a note is never
rewritten, re-dated or deleted (by publishing, restoring or an ORM edit), and a briefing with
a public record cannot be deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsroom.fields import RichTextField

from .briefing import Briefing


class PublicRecordIsPermanent(Exception):
    """Raised on any attempt to change or delete a public note."""


class PublicNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PublicRecordIsPermanent("Public notes are never rewritten; add a new one.")

    def delete(self):
        raise PublicRecordIsPermanent("Public notes are never deleted.")

    def visible(self, now=None):
        """Notes readers can see: those of briefings that went live (withdrawn ones too)."""
        return self.filter(
            briefing__live_revision__isnull=False,
            briefing__published_at__lte=now or timezone.now(),
        )

    def for_log(self):
        """``visible`` notes as the corrections log shows them (the page and the API): each
        with its briefing's address and state and the headline it went out under."""
        return (
            self.visible()
            .select_related("briefing", "revision")
            .only(
                "kind",
                "body",
                "created_at",
                "briefing__slug",
                "briefing__status",
                "revision__headline",
            )
        )


class PublicNote(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        WITHDRAWAL = "withdrawal", "Withdrawal"

    # Kinds an editor adds to a live briefing; a withdrawal comes with withdrawing it.
    ADDED_BY_EDITORS = (Kind.CORRECTION, Kind.CLARIFICATION, Kind.UPDATE)
    # Kinds that change a page's "updated" date.
    DATING = frozenset({Kind.CORRECTION, Kind.CLARIFICATION, Kind.UPDATE})

    briefing = models.ForeignKey(
        Briefing, on_delete=models.PROTECT, related_name="public_notes", editable=False
    )
    revision = models.ForeignKey(
        "briefings.Revision",
        on_delete=models.PROTECT,
        related_name="public_notes",
        editable=False,
        help_text="The revision readers saw when the note went out.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, editable=False)
    body = RichTextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PublicNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["correction", "clarification", "update", "withdrawal"]
                ),
                name="publicnote_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PublicRecordIsPermanent("Public notes are never rewritten; add a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PublicRecordIsPermanent("Public notes are never deleted.")

    @property
    def flag_verb(self) -> str:
        """What the note did to the page, for the flag under the byline ("Corrected")."""
        return {"correction": "Corrected", "clarification": "Clarified"}.get(self.kind, "Updated")
