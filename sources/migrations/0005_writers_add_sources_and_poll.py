"""Writers discover too: they may add outlets and feeds and poll feeds on demand.

Changing and deleting outlets and feeds stays with editors, who manage sources.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Writers": ["add_outlet", "add_feed", "poll_feed"],
    "Editors": ["poll_feed"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="sources", codename__in=codenames)
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="sources", codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("sources", "0004_feed_poll_permission")]

    operations = [migrations.RunPython(grant, revoke)]
