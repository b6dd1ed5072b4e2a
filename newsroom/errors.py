"""Error pages that must render whatever failed: no database, no context processors.

Django renders 500.html and 403_csrf.html without the site's context; these views give them
the site's name and nothing that could fail again. 404, 403 and 410 pages extend base.html."""

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template.loader import render_to_string
from django.templatetags.static import static


def plain_page(template_name: str) -> str:
    context = {"SITE_NAME": settings.SITE_NAME, "stylesheet": _static("css/site.css")}
    return render_to_string(template_name, context)


def _static(path: str) -> str:
    """The file's static URL, or "" when it cannot be known (no collected manifest): an
    error page must render whatever else is wrong."""
    try:
        return static(path)
    except ValueError:
        return ""


def server_error(request):
    return HttpResponseServerError(plain_page("500.html"))


def csrf_failure(request, reason=""):
    return HttpResponseForbidden(plain_page("403_csrf.html"))
