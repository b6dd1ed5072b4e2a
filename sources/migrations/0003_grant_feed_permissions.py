"""Editors manage feeds; writers may see them (and their health) while triaging."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": ["add_feed", "change_feed", "delete_feed", "view_feed"],
    "Writers": ["view_feed"],
}


def grant_feed_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the grants need them now.
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


def revoke_feed_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="sources", codename__in=ROLES["Editors"]
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_feeds_and_item_feed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_feed_permissions, revoke_feed_permissions)]
