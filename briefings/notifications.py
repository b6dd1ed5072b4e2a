"""Emails the workflow sends: to editors when a briefing is submitted, to its authors when
changes are requested or it is published. Sent after the transaction commits, so a rolled
back transition never mails anyone, and a mail server failure never undoes a transition."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from .models import Briefing

logger = logging.getLogger(__name__)


def _admin_url(briefing: Briefing) -> str:
    return settings.SITE_URL + reverse("admin:briefings_briefing_change", args=[briefing.pk])


def _addresses(users, exclude=None) -> list[str]:
    exclude_pk = getattr(exclude, "pk", None)
    return sorted({u.email for u in users if u.email and u.is_active and u.pk != exclude_pk})


def editors():
    return get_user_model().objects.with_perm("briefings.review_briefing", include_superusers=False)


def authors(briefing: Briefing):
    users = list(briefing.authors.all())
    if briefing.created_by and briefing.created_by not in users:
        users.append(briefing.created_by)
    return users


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return

    def send():
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
        except Exception:
            logger.exception("Could not send workflow email %r", subject)

    transaction.on_commit(send)


def submitted(briefing: Briefing, by, note: str = "") -> None:
    said = f"Their note:\n\n{note}\n\n" if note else "They left no note.\n\n"
    _send(
        f"For review: {briefing.headline}",
        f"{by.public_name} submitted “{briefing.headline}” for review.\n\n{said}"
        f"Review it here: {_admin_url(briefing)}\n",
        _addresses(editors(), exclude=by),
    )


def changes_requested(briefing: Briefing, by, comment: str) -> None:
    _send(
        f"Changes requested: {briefing.headline}",
        f"{by.public_name} asked for changes to “{briefing.headline}”:\n\n{comment}\n\n"
        f"Open the draft: {_admin_url(briefing)}\n",
        _addresses(authors(briefing), exclude=by),
    )


def published(briefing: Briefing, by=None) -> None:
    who = by.public_name if by else "The scheduler"
    _send(
        f"Published: {briefing.headline}",
        f"{who} published “{briefing.headline}”.\n\n"
        f"Read it: {settings.SITE_URL}{briefing.get_absolute_url()}\n"
        f"In the newsroom: {_admin_url(briefing)}\n",
        _addresses(authors(briefing), exclude=by),
    )


def report_resolved(report) -> None:
    """Tell a reader who left an email that their error report was resolved."""
    briefing = report.briefing
    if report.public_note_id:
        outcome = (
            f"We added a {report.public_note.get_kind_display().lower()} to the briefing. "
            f"You can read it here: {settings.SITE_URL}{briefing.get_absolute_url()}#corrections"
        )
    else:
        outcome = "We looked into it and decided the briefing does not need a correction."
    _send(
        f"Your report on “{briefing.headline}”",
        f"Thank you for reporting a possible error in “{briefing.headline}”.\n\n"
        f"You quoted: “{report.passage}”\n\n{outcome}\n",
        [report.email] if report.email else [],
    )
