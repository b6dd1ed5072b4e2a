"""Two-factor sign-in: editors, standards editors and superusers confirm a code from an
authenticator app after their password, setting the app up the first time; writers are not
required to. Codes are computed here as the person's app would (django-otp's TOTP, from the
secret the page shows), not by asking our code."""

import base64
import re
import time

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, complete_briefing

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.REQUIRE_2FA_FOR_EDITORS = True


def app_code(secret: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app holding ``secret`` shows now (or ``steps_ahead`` later)."""
    totp = TOTP(secret, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(client, username, next_page="/admin/"):
    response = client.post(
        f"/admin/login/?next={next_page}",
        {"username": username, "password": PASSWORD, "next": next_page},
    )
    assert response.status_code == 302, response.text
    return client.get(response["Location"])


def secret_on_page(html: str) -> bytes:
    shown = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', html).group(1)
    return base64.b32decode(shown.replace(" ", ""))


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_an_editor_without_an_app_sets_one_up_before_reaching_the_admin(client):
    editor = UserFactory(username="alex", role="Editors")
    response = sign_in_with_password(client, "alex")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Set up two-factor sign-in" in page.text
    assert '<svg width="' in page.text and 'class="segno"' in page.text  # the QR code
    secret = secret_on_page(page.text)
    assert client.get("/admin/").status_code == 302  # not yet

    wrong = client.post("/admin/two-factor/", {"code": "000000", "next": "/admin/"})
    assert "That code is not right" in wrong.text
    assert client.get("/admin/").status_code == 302

    time.sleep(1.1)  # a wrong code makes the next try wait a second
    done = client.post("/admin/two-factor/", {"code": app_code(secret), "next": "/admin/"})
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=editor).confirmed


def test_reloading_the_set_up_page_keeps_the_same_secret(client):
    UserFactory(username="alex", role="Editors")
    sign_in_with_password(client, "alex")
    first = secret_on_page(client.get("/admin/two-factor/").text)
    assert secret_on_page(client.get("/admin/two-factor/").text) == first
    assert TOTPDevice.objects.count() == 1


def test_an_editor_with_an_app_is_asked_for_its_code_at_sign_in(client):
    device = with_app(UserFactory(username="alex", role="Editors"))
    page = client.get(sign_in_with_password(client, "alex")["Location"])
    assert "Enter your sign-in code" in page.text
    assert "the six-digit code it shows for The Briefing Desk." in page.text
    assert 'class="segno"' not in page.text and "two-factor-secret" not in page.text
    response = client.post(
        "/admin/two-factor/", {"code": app_code(device.bin_key), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_works_once(client):
    device = with_app(UserFactory(username="alex", role="Editors"))
    code = app_code(device.bin_key)
    sign_in_with_password(client, "alex")
    assert client.post("/admin/two-factor/", {"code": code})["Location"] == "/admin/"
    client.post("/admin/logout/")
    sign_in_with_password(client, "alex")
    replay = client.post("/admin/two-factor/", {"code": code})
    assert replay.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_in_a_row_make_even_the_right_one_wait(client):
    device = with_app(UserFactory(username="alex", role="Editors"))
    sign_in_with_password(client, "alex")
    for _ in range(3):
        client.post("/admin/two-factor/", {"code": "123456"})
    response = client.post("/admin/two-factor/", {"code": app_code(device.bin_key)})
    assert "Too many wrong codes in a row" in response.text
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("role", "superuser", "asked"),
    [
        ("Writers", False, False),
        ("Editors", False, True),
        ("Standards editors", False, True),
        (None, True, True),
    ],
)
def test_who_is_asked_for_a_second_factor(client, role, superuser, asked):
    user = UserFactory(username="person", role=role, is_superuser=superuser)
    response = sign_in_with_password(client, "person")
    if asked:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/two-factor/")
    else:
        assert response.status_code == 200
    assert user.is_authenticated


def test_a_writer_who_set_up_an_app_is_asked_for_it_too(client):
    device = with_app(UserFactory(username="sam", role="Writers"))
    assert sign_in_with_password(client, "sam")["Location"].startswith("/admin/two-factor/")
    client.post("/admin/two-factor/", {"code": app_code(device.bin_key)})
    assert client.get("/admin/").status_code == 200


def test_until_the_code_every_page_but_log_out_leads_to_it(client):
    editor = UserFactory(username="alex", role="Editors")
    draft = complete_briefing(editor)
    sign_in_with_password(client, "alex")
    for path in ["/admin/briefings/briefing/", f"/preview/{draft.pk}/", "/admin/password_change/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/two-factor/?next="), path
    response = client.post(f"/admin/briefings/briefing/{draft.pk}/change/", {"dek": "x"})
    assert response["Location"] == "/admin/two-factor/"
    assert client.post("/admin/logout/").status_code == 200
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_after_the_code_the_person_lands_where_they_were_going(client):
    device = with_app(UserFactory(username="alex", role="Editors"))
    sign_in_with_password(client, "alex", next_page="/admin/briefings/briefing/")
    response = client.get("/admin/briefings/briefing/")
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2Fbriefings%2Fbriefing%2F"
    done = client.post(
        "/admin/two-factor/",
        {"code": app_code(device.bin_key), "next": "/admin/briefings/briefing/"},
    )
    assert done["Location"] == "/admin/briefings/briefing/"


def test_an_unsafe_next_after_the_code_falls_back_to_the_admin_index(client):
    device = with_app(UserFactory(username="alex", role="Editors"))
    sign_in_with_password(client, "alex")
    done = client.post(
        "/admin/two-factor/", {"code": app_code(device.bin_key), "next": "https://evil.example/"}
    )
    assert done["Location"] == "/admin/"


def test_the_setting_off_lets_editors_without_an_app_in_with_a_password(client, settings):
    settings.REQUIRE_2FA_FOR_EDITORS = False
    UserFactory(username="alex", role="Editors")
    assert sign_in_with_password(client, "alex").status_code == 200


def test_people_not_signed_in_get_the_log_in_page(client):
    response = client.get("/admin/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_groups_that_must_use_it_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Standards editors"}
