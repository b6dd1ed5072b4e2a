from datetime import timedelta

from django.db import migrations, models
from django.db.models import Count, Max, Q
from django.utils import timezone


def count_months(apps, schema_editor):
    """A row a month with published briefings: how many were first published in it (in
    TIME_ZONE) and the latest publication, republication or dated public note of them, as
    ``SitemapMonth.refresh`` wrote it when this migration was made."""
    Briefing = apps.get_model("briefings", "Briefing")
    SitemapMonth = apps.get_model("briefings", "SitemapMonth")
    published = Briefing.objects.filter(
        live_revision__isnull=False, published_at__lte=timezone.now()
    ).exclude(status="withdrawn")
    dating = Q(public_notes__kind__in=["correction", "clarification", "update"])
    rows = []
    for start in published.datetimes("published_at", "month"):
        end = (start + timedelta(days=32)).replace(day=1)
        figures = published.filter(published_at__gte=start, published_at__lt=end).aggregate(
            count=Count("pk", distinct=True),
            published=Max("published_at"),
            revised=Max("republished_at"),
            noted=Max("public_notes__created_at", filter=dating),
        )
        count = figures.pop("count")
        lastmod = max(filter(None, figures.values()))
        rows.append(SitemapMonth(month=start.date(), briefings=count, lastmod=lastmod))
    SitemapMonth.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0027_search_entry"),
    ]

    operations = [
        migrations.CreateModel(
            name="SitemapMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True)),
                ("briefings", models.PositiveIntegerField()),
                ("lastmod", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(count_months, migrations.RunPython.noop),
    ]
