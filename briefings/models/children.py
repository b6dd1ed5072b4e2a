"""The ordered parts of a briefing. Each has one row per position within its briefing."""

from django.db import models

from newsroom.fields import RichTextField

HOUSE_SECTIONS = ("What happened", "Why it matters", "What to watch next")


class OrderedChild(models.Model):
    briefing = models.ForeignKey("briefings.Briefing", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "position"], name="%(app_label)s_%(class)s_one_per_position"
            ),
        ]
        default_related_name = "%(model_name)ss"


class Takeaway(OrderedChild):
    text = models.CharField(max_length=280)

    class Meta(OrderedChild.Meta):
        pass

    def __str__(self) -> str:
        return self.text


class Section(OrderedChild):
    heading = models.CharField(max_length=120)
    body = RichTextField(
        blank=True, help_text="Paragraphs, h2–h4, lists, emphasis, links and quotes."
    )

    class Meta(OrderedChild.Meta):
        pass

    def __str__(self) -> str:
        return self.heading


class QABlock(OrderedChild):
    question = models.CharField(max_length=300)
    answer = RichTextField(blank=True)

    class Meta(OrderedChild.Meta):
        verbose_name = "Q&A block"
        verbose_name_plural = "Q&A blocks"
        default_related_name = "qa_blocks"

    def __str__(self) -> str:
        return self.question


class EditorsNote(OrderedChild):
    """A note that is part of the briefing's content, reviewed and published with it.
    Corrections, clarifications and updates are the public record instead (``PublicNote``)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Editor's note"
        AI_DISCLOSURE = "ai_disclosure", "AI-assistance disclosure"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOTE)
    body = RichTextField()

    class Meta(OrderedChild.Meta):
        verbose_name = "editor's note"
        default_related_name = "notes"
        constraints = [
            *OrderedChild.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(kind__in=["note", "ai_disclosure"]),
                name="editorsnote_kind_is_content",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Citation(OrderedChild):
    """A further outside source the briefing cites, beyond the item it began from."""

    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000)
    publisher = models.CharField(max_length=120, blank=True)

    class Meta(OrderedChild.Meta):
        pass

    def __str__(self) -> str:
        return self.title
