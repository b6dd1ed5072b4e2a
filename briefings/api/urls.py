"""/api/v1/: django-ninja's operations, each behind ``http.api_view``; the docs page uncached,
with a policy that lets Swagger UI (served from our static files) draw its icons."""

from django.conf import settings
from django.urls import URLPattern, re_path
from django.views.decorators.csp import csp_override

from .endpoints import api
from .http import api_view, not_found

# Swagger UI's stylesheet draws its icons as data: URIs; nothing else is loosened.
DOCS_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], "data:"]}

app_name = "api-v1"


def _wrapped(pattern: URLPattern) -> URLPattern:
    if pattern.name == "api-root":  # ninja's raises Http404 for Django's HTML page
        view = api_view(not_found, cached=False)
    elif pattern.name == "openapi-view":
        view = csp_override(DOCS_CSP)(api_view(pattern.callback, cached=False))
    else:
        view = api_view(pattern.callback)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


urlpatterns = [_wrapped(pattern) for pattern in api.urls[0]]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", api_view(not_found, cached=False)))
