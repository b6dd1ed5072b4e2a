"""The roles come from one table in code (briefings/roles.py), applied here: each group gets
exactly its permissions, including those for the public record."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from briefings.roles import apply_roles

    apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0009_public_record"),
        ("sources", "0007_summary_is_cleaned_where_it_enters"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
