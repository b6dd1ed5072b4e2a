"""Corrections, clarifications, updates and withdrawals become the public record: append-only
notes attached to the briefing and the revision they went out with, no longer children of the
working copy re-injected into each publication. Existing notes move over with their dates."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils.dateparse import parse_datetime
from django.utils.html import escape

import newsroom.fields

DATED = ["correction", "clarification", "update"]


def move_to_public_record(apps, schema_editor):
    from briefings.snapshot import v1_public_notes

    Briefing = apps.get_model("briefings", "Briefing")
    Revision = apps.get_model("briefings", "Revision")
    PublicNote = apps.get_model("briefings", "PublicNote")
    EditorsNote = apps.get_model("briefings", "EditorsNote")
    Transition = apps.get_model("briefings", "Transition")
    for briefing in Briefing.objects.filter(live_revision__isnull=False).iterator():
        seen = set()
        # Each note belongs to the first revision it went out with.
        for revision in Revision.objects.filter(briefing=briefing).order_by("number"):
            for note in v1_public_notes(revision.data):
                key = (note["kind"], note["body"], note["created_at"])
                if key in seen or revision.number > briefing.live_revision.number:
                    continue
                seen.add(key)
                PublicNote.objects.create(
                    briefing=briefing,
                    revision=revision,
                    kind=note["kind"],
                    body=note["body"],
                    created_at=parse_datetime(note["created_at"]),
                )
        if briefing.status == "withdrawn":
            withdrawal = (
                Transition.objects.filter(briefing=briefing, action="withdraw")
                .order_by("-created_at")
                .first()
            )
            PublicNote.objects.create(
                briefing=briefing,
                revision_id=briefing.live_revision_id,
                kind="withdrawal",
                body=f"<p>{escape(briefing.withdrawn_reason)}</p>",
                created_at=withdrawal.created_at if withdrawal else briefing.modified_at,
                created_by_id=withdrawal.user_id if withdrawal else None,
            )
    # Working copies: a dated note is on the public record now, or was never published and
    # becomes a plain editor's note (its text kept).
    public = set(PublicNote.objects.values_list("briefing_id", "kind", "body"))
    for note in EditorsNote.objects.filter(kind__in=DATED):
        if (note.briefing_id, note.kind, note.body) in public:
            note.delete()
        else:
            note.kind = "note"
            note.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0008_drafts_save_incomplete"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("correction", "Correction"),
                            ("clarification", "Clarification"),
                            ("update", "Update"),
                            ("withdrawal", "Withdrawal"),
                        ],
                        editable=False,
                        max_length=16,
                    ),
                ),
                ("body", newsroom.fields.RichTextField(editable=False)),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, editable=False
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="publicnote",
            name="briefing",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="public_notes",
                to="briefings.briefing",
            ),
        ),
        migrations.AddField(
            model_name="publicnote",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="publicnote",
            name="revision",
            field=models.ForeignKey(
                editable=False,
                help_text="The revision readers saw when the note went out.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="public_notes",
                to="briefings.revision",
            ),
        ),
        migrations.AddConstraint(
            model_name="publicnote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ["correction", "clarification", "update", "withdrawal"])
                ),
                name="publicnote_kind_valid",
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="dek",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RemoveConstraint(
            model_name="editorsnote",
            name="editorsnote_kind_valid",
        ),
        migrations.RunPython(move_to_public_record, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="briefing",
            name="withdrawn_reason",
        ),
        migrations.RemoveField(
            model_name="revision",
            name="corrected_at",
        ),
        migrations.AlterField(
            model_name="editorsnote",
            name="kind",
            field=models.CharField(
                choices=[("note", "Editor's note"), ("ai_disclosure", "AI-assistance disclosure")],
                default="note",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="editorsnote",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["note", "ai_disclosure"])),
                name="editorsnote_kind_is_content",
            ),
        ),
        migrations.RemoveField(
            model_name="editorsnote",
            name="created_at",
        ),
    ]
