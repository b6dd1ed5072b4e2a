import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def on_postgresql(operation):
    """``operation`` run on PostgreSQL only: SQLite has no GIN index (nor search vectors)."""

    class OnPostgreSQL(operation):
        def database_forwards(self, app_label, schema_editor, from_state, to_state):
            if schema_editor.connection.vendor == "postgresql":
                super().database_forwards(app_label, schema_editor, from_state, to_state)

        def database_backwards(self, app_label, schema_editor, from_state, to_state):
            if schema_editor.connection.vendor == "postgresql":
                super().database_backwards(app_label, schema_editor, from_state, to_state)

    OnPostgreSQL.__name__ = f"{operation.__name__}OnPostgreSQL"
    return OnPostgreSQL


def vectors_in_the_row(apps, schema_editor):
    """Keep each entry's vector in its row (compressed), not in a TOAST table: a search for a
    common word tests the newest entries one after another."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE briefings_searchentry ALTER COLUMN vector SET STORAGE MAIN"
        )


def fill_entries(apps, schema_editor):
    """An entry for every briefing with a live revision that is not withdrawn."""
    Briefing = apps.get_model("briefings", "Briefing")
    SearchEntry = apps.get_model("briefings", "SearchEntry")
    live = Briefing.objects.filter(live_revision__isnull=False).exclude(status="withdrawn")
    rows = live.values_list("pk", "published_at", "live_revision__topic_id").iterator()
    SearchEntry.objects.bulk_create(
        (SearchEntry(briefing_id=pk, published_at=at, topic_id=topic) for pk, at, topic in rows),
        batch_size=2000,
    )
    if schema_editor.connection.vendor == "postgresql":
        briefing = Briefing.objects.filter(pk=OuterRef("pk"))
        SearchEntry.objects.update(vector=Subquery(briefing.values("live_revision__search_vector")))


class Migration(migrations.Migration):
    dependencies = [("briefings", "0026_republished_at")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "briefing",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="briefings.briefing",
                    ),
                ),
                ("published_at", models.DateTimeField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "topic",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="briefings.topic",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "search entries",
                "indexes": [
                    models.Index(fields=["published_at", "briefing"], name="search_entry_newest")
                ],
            },
        ),
        migrations.RunPython(vectors_in_the_row, migrations.RunPython.noop),
        migrations.RunPython(fill_entries, migrations.RunPython.noop),
        on_postgresql(migrations.AddIndex)(
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["vector"], name="search_entry_vector"
            ),
        ),
        # Search reads the entries now: the revisions' own index would only slow every save.
        on_postgresql(migrations.RemoveIndex)(model_name="revision", name="revision_search_vector"),
    ]
