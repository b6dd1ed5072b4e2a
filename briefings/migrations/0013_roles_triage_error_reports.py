"""Readers' error reports join the roles (briefings/roles.py): editors triage them, writers
read them."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from briefings.roles import apply_roles

    apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0012_error_reports"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
