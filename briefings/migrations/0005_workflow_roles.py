"""Granted the workflow log and share-link permissions and filled in the corrections date of
revisions. The roles now come from one table (briefings/roles.py, applied by
0010_roles_from_one_table) and corrections are the public record (0009), so nothing is left
to do here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0004_workflow_log_preview_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = []
