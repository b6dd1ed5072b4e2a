"""The roles are one table in code, and the database holds exactly that table."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from briefings.roles import ROLES, apply_roles

pytestmark = pytest.mark.django_db


def granted() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_the_migrated_groups_hold_exactly_the_table():
    assert granted() == {name: set(perms) for name, perms in ROLES.items()}


def test_applying_the_roles_again_changes_nothing_and_removes_strays():
    writers = Group.objects.get(name="Writers")
    writers.permissions.add(Permission.objects.get(codename="publish_briefing"))
    apply_roles(apps)
    apply_roles(apps)
    assert granted() == {name: set(perms) for name, perms in ROLES.items()}


def test_writers_cannot_decide_and_editors_can():
    writers, editors = set(ROLES["Writers"]), set(ROLES["Editors"])
    decisions = {
        "briefings.publish_briefing",
        "briefings.review_briefing",
        "briefings.withdraw_briefing",
        "briefings.correct_briefing",
    }
    assert not writers & decisions
    assert decisions <= editors
    assert writers <= editors
