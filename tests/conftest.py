import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _two_factor_only_where_tested(settings):
    """Most tests sign editors in with force_login() to test something else; the two-factor
    tests (tests/newsroom/test_two_factor.py, the security browser tests) turn it back on."""
    settings.REQUIRE_2FA_FOR_EDITORS = False


@pytest.fixture
def writer():
    from tests.factories import UserFactory

    return UserFactory(role="Writers")


@pytest.fixture
def editor():
    from tests.factories import UserFactory

    return UserFactory(role="Editors")
