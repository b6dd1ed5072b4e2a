from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    """Give every existing user a slug from the name readers see in their byline."""
    User = apps.get_model("newsroom", "User")
    taken = set()
    for user in User.objects.order_by("pk"):
        name = user.display_name or f"{user.first_name} {user.last_name}".strip() or user.username
        base = slugify(name)[:114].strip("-") or "author"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        User.objects.filter(pk=user.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="bio",
            field=models.CharField(
                blank=True,
                help_text="A sentence or two about the author, shown on their public author page.",
                max_length=500,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="slug",
            field=models.SlugField(blank=True, default="", max_length=120),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
