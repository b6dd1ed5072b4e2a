"""Created the roles; they now come from one table (briefings/roles.py), applied by
0010_roles_from_one_table, so this migration no longer grants anything itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0002_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = []
