"""Give the roles their permissions on the workflow log and preview share links, and fill in
the corrections date of revisions frozen before it existed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.dateparse import parse_datetime

DATED_KINDS = {"correction", "clarification", "update"}
ROLES = {
    "Writers": ["view_transition"],
    "Editors": [
        "view_transition",
        "add_previewlink",
        "change_previewlink",
        "view_previewlink",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("briefings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="briefings", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="briefings", codename__in=codenames
                )
            )


def fill_corrected_at(apps, schema_editor):
    Revision = apps.get_model("briefings", "Revision")
    for revision in Revision.objects.filter(corrected_at__isnull=True).iterator():
        dates = [
            parse_datetime(note.get("created_at") or "")
            for note in revision.data.get("notes", [])
            if note.get("kind") in DATED_KINDS
        ]
        latest = max((d for d in dates if d), default=None)
        if latest:
            Revision.objects.filter(pk=revision.pk).update(corrected_at=latest)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0004_workflow_log_preview_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(fill_corrected_at, migrations.RunPython.noop),
    ]
