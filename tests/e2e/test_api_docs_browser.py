"""The content API's docs page (/api/v1/docs) in a real Chromium: Swagger UI draws every
operation from our own static files, nothing trips the page's Content-Security-Policy, and no
request leaves the site (no CDN)."""

from urllib.parse import urlsplit

import pytest

from tests.factories import standards

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_docs_page_draws_the_api_under_its_policy_from_our_files(
    browser, live_server, _browser_settings, settings
):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    standards()
    page = browser.new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    problems, requested = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/briefings/{slug}").wait_for()
    # Try an operation from the page: the schema's own request, answered by the API.
    page.locator(".opblock-summary-path", has_text="/api/v1/standards").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    assert page.evaluate("window.__violations") == []
    assert problems == []
    site = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc not in {site, ""}]
    assert [url for url in elsewhere if not url.startswith("data:")] == []
    assert any("/static/ninja/swagger-ui-bundle.js" in url for url in requested)
