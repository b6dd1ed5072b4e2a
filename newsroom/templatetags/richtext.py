from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from newsroom.fields import SanitizedHTML

register = template.Library()


@register.filter
def rich(value):
    """Render sanitized rich text as HTML; anything else is escaped, never trusted."""
    if isinstance(value, SanitizedHTML):
        return mark_safe(value)  # noqa: S308 - sanitized with the allowlist when stored
    return conditional_escape(value or "")
