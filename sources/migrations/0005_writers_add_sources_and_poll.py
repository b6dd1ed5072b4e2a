"""Granted writers the right to add outlets and feeds and poll them. The roles are granted
by the briefings app's table of roles (briefings/roles.py); sources knows nothing of them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_feed_poll_permission"),
    ]

    operations = []
