"""Granted feed permissions to the newsroom's roles. The roles (groups) belong to the
briefings app's table of roles (briefings/roles.py), which grants them; sources knows nothing
of them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_feeds_and_item_feed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
