from django.conf import settings
from django.db import migrations, models


def fill_bylines(apps, schema_editor):
    """Copy each stored revision's byline into the new column. Both snapshot schemas store it
    as a list of {"id", "name"}; people whose account is gone are left out."""
    Revision = apps.get_model("briefings", "Revision")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Byline = Revision.byline.through
    users = set(User.objects.values_list("pk", flat=True))
    rows = []
    for pk, data in Revision.objects.values_list("pk", "data").iterator():
        ids = {person.get("id") for person in (data or {}).get("byline") or []}
        rows += [Byline(revision_id=pk, user_id=user) for user in ids & users]
    Byline.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0019_briefing_headline_blank_slug_follows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="byline",
            field=models.ManyToManyField(
                blank=True, related_name="bylined_revisions", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(fill_bylines, migrations.RunPython.noop),
    ]
