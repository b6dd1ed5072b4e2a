"""Filters for values written for machines, loaded in every template (a builtin)."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def isotime(value) -> str:
    """A date or time as ISO 8601 for `<time datetime>`, JSON-LD and feeds: to the second,
    in the site's time zone (HTML allows at most three digits of a second)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat() if value else ""
