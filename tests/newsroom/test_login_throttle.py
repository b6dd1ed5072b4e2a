"""Log-in throttling (django-axes): a run of wrong passwords pauses log-ins for that user
name and from that address, even with the right password, until the cool-off has passed;
the person sees an admin page that says what happened and when to try again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.7"


def log_in(client, username, password, address=ATTACKER, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, times, username="editor", address=ATTACKER, **headers):
    for _ in range(times):
        response = log_in(client, username, "wrong-guess", address, **headers)
        assert response.status_code in {200, 429}


@pytest.fixture
def editor():
    return UserFactory(username="editor", role="Editors")


def test_the_right_password_is_refused_after_a_run_of_wrong_ones(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    fail(client, 1)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the log-in page


def test_below_the_limit_the_right_password_still_works(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_paused_page_says_what_happened_and_when_to_try_again(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    page = response.text
    assert '<header id="header">' in page  # the admin's look, not a bare 403 text
    assert "Log-ins paused" in page
    assert "“editor”" in page
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    shown = {(until - timedelta(seconds=s)).strftime("%H:%M") for s in (0, 60)}
    assert any(f">{time} UTC</time>" in page for time in shown), page
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()


def test_attempts_while_paused_do_not_make_the_pause_longer(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    first = int(log_in(client, "editor", PASSWORD)["Retry-After"])
    fail(client, 10)
    assert int(log_in(client, "editor", PASSWORD)["Retry-After"]) <= first


def test_the_account_is_paused_from_every_address(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, address=f"198.51.100.{n + 1}")
    assert log_in(client, "editor", PASSWORD, address="192.0.2.50").status_code == 429


def test_an_address_is_paused_for_every_account(client, editor, settings):
    UserFactory(username="sam", role="Writers")
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, username=f"guess{n}")
    assert log_in(client, "sam", PASSWORD).status_code == 429


def test_other_people_elsewhere_still_log_in(client, editor, settings):
    UserFactory(username="sam", role="Writers")
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "sam", PASSWORD, address="192.0.2.50")
    assert response.status_code == 302


def test_log_ins_resume_after_the_cool_off(client, editor, settings):
    from axes.models import AccessAttempt

    fail(client, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "editor", PASSWORD).status_code == 429
    # The clock moves on past the cool-off.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_a_made_up_x_forwarded_for_does_not_escape_the_address_pause(client, editor, settings):
    UserFactory(username="sam", role="Writers")
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, username=f"guess{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
    response = log_in(client, "sam", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert response.status_code == 429


def test_behind_a_trusted_front_server_the_forwarded_address_counts(client, editor, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    UserFactory(username="sam", role="Writers")
    proxy = "127.0.0.1"
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, username=f"guess{n}", address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    # Another reader behind the same proxy is not paused; the attacker's address is, whatever
    # it claims in front of the address the proxy added.
    assert (
        log_in(client, "sam", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 302
    )
    client.logout()
    spoofed = f"192.0.2.99, {ATTACKER}"
    assert log_in(client, "sam", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
