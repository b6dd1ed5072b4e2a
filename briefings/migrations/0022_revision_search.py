import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """A GIN index exists on PostgreSQL only: SQLite has no such index (nor search vectors)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def fill_search_text(apps, schema_editor):
    """Every existing revision gets its searchable text (and on PostgreSQL its vector)."""
    from briefings import search
    from briefings.snapshot import Snapshot

    Revision = apps.get_model("briefings", "Revision")
    for revision in Revision.objects.only("data").iterator():
        revision.search_document = search.document(Snapshot.load(revision.data))
        revision.save(update_fields=["search_document"])
    if schema_editor.connection.vendor == "postgresql":
        Revision.objects.update(search_vector=search.vector())


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0021_revisions_keep_saved_drafts"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="revision",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="revision",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="revision_search_vector"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
