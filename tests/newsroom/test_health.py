"""/health/: JSON for monitoring, 200 when the database, the cache and the scheduler's
check-in are fine and 503 when any is not."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from newsroom import health
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def test_all_fine_is_200_and_says_so(client):
    health.check_in(timezone.now() - timedelta(seconds=30))
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"] == {"status": "ok"}
    scheduler = body["checks"]["scheduler"]
    assert scheduler["status"] == "ok"
    assert 30 <= scheduler["age_seconds"] <= 35
    assert scheduler["stale_after_seconds"] == 300


def test_a_cache_that_cannot_be_reached_is_503(client, caplog):
    health.check_in()
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"] == {"status": "fail"}
    assert body["checks"]["database"] == {"status": "ok"}
    # What went wrong is in the server's log, not in the answer.
    assert "the cache did not answer" in caplog.text
    assert b"127.0.0.1" not in response.content and b"Connection" not in response.content


def test_a_stale_check_in_is_503(client):
    health.check_in(timezone.now() - timedelta(minutes=6))
    response = client.get("/health/")
    assert response.status_code == 503
    scheduler = response.json()["checks"]["scheduler"]
    assert scheduler["status"] == "fail"
    assert 360 <= scheduler["age_seconds"] <= 365


def test_no_check_in_ever_is_503(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == {
        "status": "fail",
        "last_check_in": None,
        "age_seconds": None,
        "stale_after_seconds": 300,
    }


def test_it_is_never_served_from_the_page_cache_and_takes_only_reads(client):
    health.check_in(timezone.now() - timedelta(minutes=10))
    assert client.get("/health/").status_code == 503
    health.check_in()
    assert client.get("/health/").status_code == 200  # the answer of a moment ago is not kept
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
