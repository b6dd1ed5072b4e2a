"""Every page carries a Content-Security-Policy: scripts and styles from this site only (the
admin's tags carry the per-response nonce), no plugins, no <base>, no framing, forms post
here. Whether the admin's scripts still work under it is proved in Chromium
(tests/e2e/test_security_browser.py)."""

import re

import pytest

from briefings.workflow import make_live
from tests.factories import BriefingFactory, UserFactory, add_children, standards

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_strict(found: dict[str, list[str]]) -> None:
    for directive, values in REQUIRED.items():
        assert found.get(directive) == values, (directive, found)
    scripts = found["script-src"]
    assert scripts[0] == "'self'"
    assert all(value.startswith("'nonce-") for value in scripts[1:])
    assert "'unsafe-inline'" not in found["style-src"]
    assert "'unsafe-eval'" not in scripts


def test_public_pages_carry_the_policy_also_when_served_from_the_cache(client):
    standards()
    briefing = add_children(BriefingFactory())
    make_live(briefing)
    for path in ["/", briefing.get_absolute_url(), "/standards/", "/corrections/", "/sources/"]:
        first, cached = client.get(path), client.get(path)
        assert first.status_code == 200, path
        assert_strict(policy(first))
        assert policy(cached) == policy(first)


def test_admin_scripts_carry_the_nonce_the_policy_names(client):
    client.force_login(UserFactory(role="Writers"))
    response = client.get("/admin/briefings/briefing/add/")
    found = policy(response)
    assert_strict(found)
    nonces = [value for value in found["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert any("admin-extra/checklist.js" in tag for tag in scripts)
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert 'src="' in " ".join(scripts)


def test_inline_script_has_no_place_in_the_policy(client):
    found = policy(client.get("/admin/login/"))
    assert_strict(found)
    assert "'unsafe-inline'" not in found["script-src"]
    assert found["style-src-attr"] == ["'unsafe-inline'"]  # style="..." in admin columns


def test_the_413_page_carries_the_policy_too(client):
    response = client.generic(
        "POST", "/admin/login/", b"x", content_type="text/plain", CONTENT_LENGTH=str(2**40)
    )
    assert response.status_code == 413
    assert_strict(policy(response))
