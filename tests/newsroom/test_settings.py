"""Production settings: safe by default, and `check --deploy` has nothing to say."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(argv, **env):
    """Run ``argv`` with the production environment: no debug, nothing from the test run."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SECURE_", "DEBUG", "SECRET_KEY", "DEMO_MODE", "TRUST_", "REQUIRE_2FA")
        )
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_manage(*args, **env):
    return run(["manage.py", *args], **env)


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_demo_mode_without_debug():
    result = run_manage("check", "--deploy", DEMO_MODE="true", **PRODUCTION)
    assert "newsroom.W002" in result.stdout + result.stderr


def test_check_deploy_warns_when_editors_may_sign_in_without_a_second_factor():
    result = run_manage("check", "--deploy", REQUIRE_2FA_FOR_EDITORS="false", **PRODUCTION)
    assert "newsroom.W003" in result.stdout + result.stderr


def test_two_factor_is_required_by_default_and_off_by_default_only_in_demo_mode():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.REQUIRE_2FA_FOR_EDITORS)"
    settings_module = {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    assert run(["-c", code], **settings_module).stdout.strip() == "True"
    demo = run(["-c", code], DEMO_MODE="true", DEBUG="true", **settings_module)
    assert demo.stdout.strip() == "False", demo.stderr


def test_demo_mode_in_debug_is_the_quick_start_not_a_warning(settings):
    from newsroom.checks import demo_mode_in_production

    settings.DEMO_MODE, settings.DEBUG = True, True
    assert demo_mode_in_production(None) == []
    settings.DEBUG = False
    assert [warning.id for warning in demo_mode_in_production(None)] == ["newsroom.W002"]


def test_check_deploy_warns_about_a_cache_each_process_keeps_to_itself():
    result = run_manage("check", "--deploy", ALLOWED_HOSTS="news.example.org")
    assert "newsroom.W001" in result.stdout + result.stderr


def test_production_refuses_to_serve_without_a_secret_key():
    for module in ["newsroom.wsgi", "newsroom.asgi"]:
        result = run(["-c", f"import {module}"], ALLOWED_HOSTS="news.example.org")
        assert result.returncode != 0
        assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_check_deploy_reports_a_missing_secret_key():
    result = run_manage("check", "--deploy", ALLOWED_HOSTS="news.example.org")
    assert "security.W009" in result.stdout + result.stderr


def test_management_commands_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_fresh_checkout_creates_its_embedded_database_folder(tmp_path):
    """A new clone has no var/: the default SQLite database's folder is made on first use,
    whichever command comes first (here `makemigrations --check`, as `make lint` runs it)."""
    clone = tmp_path / "clone"
    clone.mkdir()
    ignore = shutil.ignore_patterns(".venv", "var", ".git", "test-artifacts", "__pycache__")
    for name in ["manage.py", "newsroom", "briefings", "sources", "templates", "static"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=ignore)
        else:
            shutil.copy(source, clone / name)
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (clone / "var" / "newsroom.sqlite3").exists()


IS_SECURE = """
import django
django.setup()
from django.test import RequestFactory
print(RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure())
"""


def test_x_forwarded_proto_is_ignored_unless_trusted(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/robots.txt"


def test_trust_x_forwarded_proto_takes_the_scheme_from_the_front_server():
    settings_module = {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    assert run(["-c", IS_SECURE], **settings_module).stdout.strip() == "False"
    trusted = run(["-c", IS_SECURE], TRUST_X_FORWARDED_PROTO="true", **settings_module)
    assert trusted.stdout.strip() == "True", trusted.stderr


IMG_SRC = """
import django
django.setup()
from django.conf import settings
print(" ".join(settings.SECURE_CSP["img-src"]))
"""


def test_images_may_come_from_where_media_is_served():
    settings_module = {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    assert run(["-c", IMG_SRC], **settings_module).stdout.split() == ["'self'"]
    elsewhere = run(
        ["-c", IMG_SRC], MEDIA_URL="https://media.example.org/uploads/", **settings_module
    )
    assert elsewhere.stdout.split() == ["'self'", "https://media.example.org"], elsewhere.stderr
