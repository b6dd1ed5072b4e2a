"""Create the newsroom's roles as groups, so every fresh install has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHILDREN = ["takeaway", "section", "qablock", "editorsnote", "citation"]


def crud(model, actions=("add", "change", "delete", "view")):
    return [f"{action}_{model}" for action in actions]


WRITER = [
    *crud("briefing", ("add", "change", "view")),
    *[perm for child in CHILDREN for perm in crud(child)],
    "view_topic",
    "view_revision",
    "view_standardsversion",
    "view_outlet",
    *crud("sourceitem", ("add", "change", "view")),
]
ROLES = {
    "Writers": WRITER,
    "Editors": [
        *WRITER,
        "edit_others_briefing",
        "review_briefing",
        "publish_briefing",
        "withdraw_briefing",
        "correct_briefing",
        *crud("topic"),
        *crud("outlet"),
        "delete_sourceitem",
    ],
    "Standards editors": [
        "view_briefing",
        "view_topic",
        *crud("standardsversion", ("add", "view")),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the roles need them now.
    for app_label in ("briefings", "sources"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label__in=["briefings", "sources"], codename__in=codenames
        )
        group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0002_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
