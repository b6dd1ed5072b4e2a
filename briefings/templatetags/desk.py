"""The desk on the admin index (templates/admin/index.html): ``{% desk %}``."""

from django import template

from briefings import desk as desks

register = template.Library()


@register.inclusion_tag("admin/briefings/desk.html", takes_context=True)
def desk(context):
    request = context["request"]
    return {"desk": desks.for_user(request.user), "request": request}
