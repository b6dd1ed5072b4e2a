"""Two-factor sign-in (TOTP codes from an authenticator app, with django-otp) for the people
who publish and set the rules: editors, standards editors and superusers.

The admin's log-in form checks the password as usual; until the same session has also
confirmed a code, ``TwoFactorMiddleware`` sends such a person to one page: it shows a QR code
to set up an app when they have none yet, or asks for the app's current code when they do.
Writers are not required to, but anyone who has set up an app is asked for its code."""

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRED_GROUPS = ("Editors", "Standards editors")
APP_NAME = "Authenticator app"


def requires_two_factor(user) -> bool:
    """Whether ``user`` must confirm a code before using the site signed in."""
    if not user.is_authenticated:
        return False
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    if not settings.REQUIRE_2FA_FOR_EDITORS:
        return False
    return user.is_superuser or user.groups.filter(name__in=REQUIRED_GROUPS).exists()


class TwoFactorMiddleware:
    """Sends a signed-in person who still owes a code to the two-factor page (after
    django_otp's OTPMiddleware, which tells whether this session has confirmed one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.path_info not in _exempt_paths()
            and requires_two_factor(user)
        ):
            target = request.get_full_path() if request.method == "GET" else ""
            query = f"?{urlencode({'next': target})}" if target else ""
            return redirect(reverse("two_factor") + query)
        return self.get_response(request)


def _exempt_paths() -> set[str]:
    return {reverse("two_factor"), reverse("admin:logout")}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device: TOTPDevice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes in a row. Wait a little and enter the code your app "
                "shows then.",
                code="throttled",
            )
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                "That code is not right, or it has expired. Enter the code your app shows now.",
                code="invalid",
            )
        return code


def _qr_code(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff")
    return mark_safe(svg)  # noqa: S308 - segno's own markup of a URL we built


def _secret(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


@never_cache
@login_required(login_url="admin:login")
def two_factor(request):
    """Set up an authenticator app, or confirm its current code."""
    user = request.user
    if user.is_verified() or not requires_two_factor(user):
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": APP_NAME}
        )
    form = CodeForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        request.session.cycle_key()
        otp_login(request, device)
        return redirect(_next_url(request))
    context = {
        **admin.site.each_context(request),
        "title": "Set up two-factor sign-in" if setting_up else "Enter your sign-in code",
        "form": form,
        "next": _next_url(request),
        "setting_up": setting_up,
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    if setting_up:
        context |= {
            "qr_code": _qr_code(device),
            "secret": _secret(device),
        }
    return render(request, "admin/two_factor.html", context)
