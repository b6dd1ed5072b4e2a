from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom import health, two_factor

from .machine_files import MachineFile

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Editorial desk"
admin.site.site_url = "/"
# Editors work in wide change lists (inbox, briefings); the filter column is enough chrome.
admin.site.enable_nav_sidebar = False

handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path("robots.txt", MachineFile.as_view(template_name="robots.txt"), name="robots"),
    path("health/", health.health, name="health"),
    path("trust.txt", MachineFile.as_view(template_name="trust.txt"), name="trust"),
    path(".well-known/trust.txt", MachineFile.as_view(template_name="trust.txt")),
    # Before the admin's own URLs, whose catch-all would take it for an app's index.
    path("admin/two-factor/", two_factor.two_factor, name="two_factor"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("briefings.api.urls")),
    path("", include("briefings.urls")),
]
