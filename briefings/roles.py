"""The newsroom's roles, as one table: each role is a Django group with exactly these
permissions. Data migrations apply the table (``apply_roles``); after a change here, add a
migration that calls it again. docs/workflow.md says the same in words.

What a permission allows inside the workflow (whose briefings, in which states) is decided in
``permissions.py`` and the table of actions in ``workflow.py``.
"""

PARTS = ["takeaway", "section", "qablock", "editorsnote", "citation"]


def _crud(app: str, model: str, actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{app}.{action}_{model}" for action in actions]


WRITER = [
    # Their own briefings and every part of them.
    *_crud("briefings", "briefing", ("add", "change", "view")),
    *[perm for part in PARTS for perm in _crud("briefings", part)],
    "briefings.view_topic",
    "briefings.view_revision",
    "briefings.view_transition",
    "briefings.view_publicnote",
    "briefings.view_standardsversion",
    "briefings.view_errorreport",
    # Discovery: the inbox, and adding outlets and feeds to poll.
    *_crud("sources", "sourceitem", ("add", "change", "view")),
    "sources.view_outlet",
    "sources.add_outlet",
    "sources.view_feed",
    "sources.add_feed",
    "sources.poll_feed",
]

ROLES: dict[str, list[str]] = {
    "Writers": WRITER,
    "Editors": [
        *WRITER,
        # Everyone's briefings, and the decisions of the workflow.
        "briefings.edit_others_briefing",
        "briefings.review_briefing",
        "briefings.publish_briefing",
        "briefings.withdraw_briefing",
        "briefings.correct_briefing",
        "briefings.change_errorreport",
        *_crud("briefings", "previewlink", ("add", "change", "view")),
        # The site's sections and the sources it discovers from.
        *_crud("briefings", "topic"),
        *_crud("sources", "outlet", ("change", "delete")),
        *_crud("sources", "feed", ("change", "delete")),
        "sources.delete_sourceitem",
    ],
    "Standards editors": [
        "briefings.view_briefing",
        "briefings.view_topic",
        "briefings.view_publicnote",
        *_crud("briefings", "standardsversion", ("add", "view")),
    ],
}


def _model_not_yet_created(apps, perm: str) -> bool:
    """Whether ``perm`` is a model's default permission in a migration state from before
    that model existed (an earlier migration applying today's table)."""
    app, codename = perm.split(".")
    action, _, model = codename.partition("_")
    if action not in ("add", "change", "delete", "view"):
        return False
    try:
        apps.get_model(app, model)
    except LookupError:
        return True
    return False


def apply_roles(apps) -> None:
    """Make each role's group hold exactly its permissions (idempotent). ``apps`` is a
    migration's app registry, or ``django.apps.apps``. A migration older than some model
    grants the table without that model's permissions; the migration that follows the model
    grants them."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the roles need them now.
    for label in ("briefings", "sources"):
        config = apps.get_app_config(label)
        models_module = getattr(config, "models_module", None)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        perms = [perm for perm in perms if not _model_not_yet_created(apps, perm)]
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [perm.split(".") for perm in perms]
        found = [
            p
            for p in Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={codename for _, codename in wanted},
            ).select_related("content_type")
            if [p.content_type.app_label, p.codename] in wanted
        ]
        missing = set(perms) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        if missing:
            raise LookupError(f"Role {name!r} names unknown permissions: {sorted(missing)}")
        group.permissions.set(found)
