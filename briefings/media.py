"""Serving uploaded images: a published briefing's lead image to anyone, a draft's only to the
people who may preview it (or hold a live share link for it), never anything else.

Django decides; the bytes come from the front server when ``MEDIA_X_ACCEL_REDIRECT`` names an
internal nginx location (``X-Accel-Redirect``), else from Django itself. See
docs/operations.md, "Media".
"""

from django.conf import settings
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.static import serve

from . import permissions, renditions
from .models import Briefing, PreviewLink, Revision

# Readers' browsers and the CDN may keep a published image a day; names are never reused.
PUBLIC_MAX_AGE = 24 * 60 * 60


def _published(name: str) -> bool:
    """Is ``name`` the lead image of a live revision readers can see now?"""
    return (
        Revision.objects.filter(lead_image=name, briefing__live_revision=F("pk"))
        .filter(briefing__published_at__lte=timezone.now())
        .exclude(briefing__status=Briefing.Status.WITHDRAWN)
        .exists()
    )


def _briefings_using(name: str):
    return Briefing.objects.filter(Q(lead_image=name) | Q(revisions__lead_image=name)).distinct()


def _previewable(request, name: str) -> bool:
    """May this request see ``name`` in a preview: staff who may preview a briefing using it,
    or whoever holds an active share link of such a briefing (``?share=<token>``)."""
    using = _briefings_using(name)
    token = request.GET.get("share")
    if token:
        links = PreviewLink.objects.active().filter(token=token, briefing__in=using)
        if links.exists():
            return True
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return False
    return any(permissions.can_preview(user, briefing) for briefing in using[:20])


def media(request, name: str):
    if not name.startswith("lead-images/") or ".." in name.split("/"):
        raise Http404("No such file.")
    # A rendition is seen by whoever may see the image it was made from.
    original = renditions.original_of(name) or name
    if _published(original):
        cache_control = f"public, max-age={PUBLIC_MAX_AGE}"
    elif _previewable(request, original):
        cache_control = "private, no-store"
    else:
        raise Http404("No such file.")
    accel = settings.MEDIA_X_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(headers={"X-Accel-Redirect": accel.rstrip("/") + "/" + name})
        response.headers.pop("Content-Type")  # nginx sets it from the file
    else:
        response = serve(request, name, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
