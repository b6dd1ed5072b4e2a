"""When the database is down, readers get the site's own 503 asking them to retry, not a 500.

Each request runs in a fresh process whose DATABASE_URL points at a database that is not
there: PostgreSQL on a port where nothing listens, or SQLite in a folder that does not exist.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DATABASES_DOWN = {
    "postgresql": "postgres://postgres@127.0.0.1:1/none",
    "sqlite": "sqlite:////nonexistent-folder/newsroom.sqlite3",
}

REQUEST = """
import json, sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client(raise_request_exception=False).get(sys.argv[1], secure=True)
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "body": response.content.decode(),
}))
"""


def get_with_the_database_down(path: str, database: str) -> dict:
    environment = {
        **os.environ,
        "DATABASE_URL": DATABASES_DOWN[database],
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-for-this-test-only",
        "SITE_NAME": "The Harbour Desk",
    }
    result = subprocess.run(
        [sys.executable, "-c", REQUEST, path],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("database", DATABASES_DOWN)
@pytest.mark.parametrize("path", ["/", "/briefings/gate-trial-ends/", "/feed/", "/standards/"])
def test_a_database_outage_gives_readers_a_503_to_retry(path, database):
    response = get_with_the_database_down(path, database)
    assert response["status"] == 503
    assert response["headers"]["Retry-After"] == "60"
    assert "no-store" in response["headers"]["Cache-Control"]
    assert response["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Back in a minute · The Harbour Desk</title>" in response["body"]
    assert "Please try again in a minute." in response["body"]


@pytest.mark.parametrize("database", DATABASES_DOWN)
@pytest.mark.parametrize("path", ["/api/v1/briefings", "/api/v1/briefings/gate-trial-ends"])
def test_a_database_outage_gives_api_clients_a_503_problem_to_retry(path, database):
    response = get_with_the_database_down(path, database)
    assert response["status"] == 503
    assert response["headers"]["Content-Type"] == "application/problem+json"
    assert response["headers"]["Retry-After"] == "60"
    assert "no-store" in response["headers"]["Cache-Control"]
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"  # scripts can read it
    problem = json.loads(response["body"])
    assert problem["status"] == 503
    assert problem["title"] == "Service Unavailable"
    assert "try again in a minute" in problem["detail"]


def test_other_errors_and_debug_mode_keep_djangos_own_pages(rf, settings):
    from django.db import OperationalError

    from newsroom.outage import DatabaseOutageMiddleware

    middleware = DatabaseOutageMiddleware(lambda request: None)
    request = rf.get("/")
    assert middleware.process_exception(request, ValueError("a bug")) is None
    assert middleware.process_exception(request, OperationalError("down")).status_code == 503
    settings.DEBUG = True
    assert middleware.process_exception(request, OperationalError("down")) is None
