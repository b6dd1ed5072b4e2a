"""Log-in throttling with django-axes: the address failures count against, and the page a
person sees while log-ins are paused."""

from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.db.models import Max, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    """Django's own password check, refused while django-axes pauses log-ins.

    One backend rather than axes's usual pair (AxesStandaloneBackend, then ModelBackend):
    with two, ``User.objects.with_perm()`` must be told which backend to ask. A call without
    a request (the test client's ``login()``, a script) has no address to count failures
    against and no one to show a page to, so it gets the password check alone; every log-in
    over the web (the admin's form) comes with its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            super().authenticate(request, username, password, **kwargs)  # raises while paused
        return ModelBackend.authenticate(self, request, username, password, **kwargs)


def client_address(request) -> str | None:
    """The peer's address; behind a trusted front server (TRUST_X_FORWARDED_FOR), the last
    address in X-Forwarded-For, which is the one that server saw. Earlier entries come from
    the client and prove nothing."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def paused_until(username: str, address: str | None, cool_off: timedelta) -> datetime:
    """When log-ins for ``username`` and from ``address`` are allowed again, at the latest:
    a counted failure expires ``cool_off`` after it happened (failures while paused are not
    counted, see AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    now = timezone.now()
    latest = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=address), attempt_time__gt=now - cool_off
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or now) + cool_off


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The admin-styled "log-ins paused" page (429, with Retry-After), instead of axes's
    bare text."""
    username = get_client_username(request, credentials) or ""
    until = paused_until(username, client_address(request), get_cool_off(request))
    context = {
        **admin.site.each_context(request),
        "title": "Log-ins paused",
        "username": username,
        "until": until,
        "failure_limit": get_failure_limit(request, credentials),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(max(int((until - timezone.now()).total_seconds()), 1))
    return response
