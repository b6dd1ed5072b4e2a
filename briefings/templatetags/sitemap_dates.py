"""Sitemap helpers: W3C datetimes and the news sitemap's language."""

from django import template
from django.conf import settings
from django.utils import timezone

register = template.Library()


@register.filter
def w3c(value) -> str:
    """A W3C datetime to the second, with its offset: 2026-12-02T06:15:11+00:00."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def news_language() -> str:
    """The publication's language as Google News wants it: the ISO 639 code ("en")."""
    return settings.LANGUAGE_CODE.split("-")[0]
