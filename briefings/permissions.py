"""Who may do what with a briefing: the one place that decides.

Roles are Django groups with permissions (``roles.py``, applied by migrations). On top of the
model permissions come the rules that depend on the briefing: writers see and edit only their own
briefings, and only in the states where a writer works on them; an editor does not approve
a briefing they wrote while ``WORKFLOW_REQUIRE_SECOND_EDITOR`` is on. Which role may take
which workflow action is in the table of actions (``workflow.ACTIONS``), built from these
predicates. The admin, the views and the workflow functions all ask; a hidden button is never
the check.
"""

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Briefing

Status = Briefing.Status

# States in which the working copy may be edited, by role.
WRITER_EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED})
EDITOR_EDITABLE = frozenset(
    {Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.SCHEDULED, Status.PUBLISHED}
)


def has_role_permission(user, codename: str) -> bool:
    return user.is_active and user.has_perm(f"briefings.{codename}")


def sees_all_briefings(user) -> bool:
    """Editors see every briefing; so do read-only roles (view without change), such as
    standards editors. Writers see their own."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser or has_role_permission(user, "edit_others_briefing"):
        return True
    return has_role_permission(user, "view_briefing") and not has_role_permission(
        user, "change_briefing"
    )


def visible_briefings(user, queryset: QuerySet | None = None) -> QuerySet:
    """The briefings ``user`` may open in the admin."""
    queryset = Briefing.objects.all() if queryset is None else queryset
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return queryset.none()
    if sees_all_briefings(user):
        return queryset
    if not has_role_permission(user, "view_briefing"):
        return queryset.none()
    return queryset.filter(Q(created_by=user) | Q(authors=user)).distinct()


def can_view(user, briefing: Briefing) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if sees_all_briefings(user):
        return True
    return has_role_permission(user, "view_briefing") and briefing.is_written_by(user)


def can_edit(user, briefing: Briefing) -> bool:
    """May ``user`` change the working copy (fields and children) now?"""
    if not can_view(user, briefing) or not has_role_permission(user, "change_briefing"):
        return False
    if user.is_superuser or has_role_permission(user, "edit_others_briefing"):
        return briefing.status in EDITOR_EDITABLE
    return briefing.is_written_by(user) and briefing.status in WRITER_EDITABLE


def may_approve_own(user, briefing: Briefing) -> bool:
    """The second pair of eyes: an editor does not approve their own briefing."""
    if user.is_superuser or not settings.WORKFLOW_REQUIRE_SECOND_EDITOR:
        return True
    return not briefing.is_written_by(user)


def can_preview(user, briefing: Briefing) -> bool:
    """May ``user`` see the working copy and earlier revisions rendered as readers would?"""
    return can_view(user, briefing)


def can_restore(user, briefing: Briefing) -> bool:
    return can_edit(user, briefing)


def can_share(user, briefing: Briefing) -> bool:
    """May ``user`` create or revoke preview links for someone without an account?"""
    return (
        can_view(user, briefing)
        and briefing.status != Status.WITHDRAWN
        and has_role_permission(user, "add_previewlink")
    )
