"""Web security in a real browser: the admin's scripts keep working under the
Content-Security-Policy and nothing on the admin or public pages trips it; an oversized upload
gets the 413 page."""

import pytest

from tests.e2e.test_workflow_browser import Person
from tests.factories import (
    FeedFactory,
    SourceItemFactory,
    TopicFactory,
    UserFactory,
    briefing_in_state,
    complete_briefing,
    standards,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs in every document before its own scripts: records what the policy blocked.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `in ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


class WatchedPerson(Person):
    """A Person whose every page is watched for policy violations, console errors and
    uncaught script errors; ``open`` and ``check`` fail the test on any of them.

    Waits use functions, not expression strings: Playwright runs expressions through eval(),
    which the policy forbids like any other eval."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.console: list[str] = []
        self.page.add_init_script(WATCH_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.visited: list[str] = []
        self.expected_errors: tuple[str, ...] = ()

    def _console(self, message):
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the browser asks for one; the site has none (a 404, not our concern here)
        if any(expected in message.text for expected in self.expected_errors):
            return
        if message.type in {"error", "warning"} or "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text} ({message.location})")

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, (path, response.status)
        self.policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in self.policy, (path, self.policy)
        self.visited.append(path)
        self.check()
        return response

    def check(self):
        """No violation or console error on the page as it is now (after its scripts ran)."""
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], (self.page.url, violations)
        assert self.console == [], (self.page.url, self.console)


def test_admin_scripts_work_under_the_policy_and_nothing_trips_it(
    browser, live_server, artifacts, _browser_settings
):
    standards()
    topic = TopicFactory(name="Cities", slug="cities")
    writer_user = UserFactory(username="sam", role="Writers")
    UserFactory(username="alex", role="Editors")
    item = SourceItemFactory(title="Harbour ferry fares frozen", outlet__name="Harbor Ledger")
    feed = FeedFactory(outlet=item.outlet, title="Harbor Ledger news")
    SourceItemFactory.create_batch(2, outlet=item.outlet)
    live = briefing_in_state("published", writer_user, UserFactory(role="Editors"), topic=topic)
    in_review = briefing_in_state("in_review", writer_user, None, topic=topic)
    draft = complete_briefing(writer_user, topic=topic, headline="Night buses return")
    draft.takeaways.filter(position=3).delete()  # two takeaways: the checklist wants 3–5
    Person.steps = 0
    writer = WatchedPerson(browser, live_server.url, artifacts, "writer")
    editor = WatchedPerson(browser, live_server.url, artifacts, "editor")
    reader = WatchedPerson(browser, live_server.url, artifacts, "reader")

    # The writer: log-in, the desk, a new briefing (its slug follows the headline).
    writer.open("/admin/login/")
    writer.log_in("sam")
    writer.check()
    writer.open("/admin/briefings/briefing/add/")
    writer.page.locator("#id_headline").press_sequentially("Harbour ferry fares frozen")
    writer.page.wait_for_function(
        "() => document.querySelector('#id_slug').value === 'harbour-ferry-fares-frozen'"
    )
    writer.page.get_by_text("Add another Takeaway").click()
    writer.page.fill("#id_takeaways-0-text", "Fares stay the same.")
    assert writer.page.locator("#id_authors_from").count() == 1  # SelectFilter2 built it
    writer.shot("add-form-slug-and-new-row")
    writer.check()

    # The live checklist on a draft follows the form as the writer types.
    writer.open(f"/admin/briefings/briefing/{draft.pk}/change/")
    assert "3–5 key takeaways" in writer.page.inner_text(".wf-checklist .wf-missing")
    writer.page.get_by_text("Add another Takeaway").click()
    writer.page.fill("#id_takeaways-2-text", "A third takeaway, typed just now.")
    writer.page.wait_for_function(
        "() => document.querySelectorAll('.wf-checklist .wf-missing').length === 0"
    )
    assert writer.page.locator(".select2-container").count() >= 1  # autocomplete widget
    writer.shot("checklist-follows-typing")
    writer.check()

    # Admin columns with style attributes still render them.
    writer.open("/admin/sources/sourceitem/")
    start = writer.page.get_by_role("button", name="Start a briefing").first
    assert start.evaluate("button => getComputedStyle(button).whiteSpace") == "nowrap"
    writer.shot("inbox")
    writer.open(f"/admin/sources/feed/{feed.pk}/change/")
    poll = writer.page.get_by_role("button", name="Poll now")
    assert poll.evaluate("button => getComputedStyle(button).borderRadius") == "15px"
    writer.open("/admin/sources/feed/")
    for path in [
        f"/admin/briefings/briefing/{live.pk}/change/",
        f"/admin/briefings/briefing/{live.pk}/compare/",
        f"/admin/briefings/briefing/{live.pk}/revisions/",
        f"/preview/{draft.pk}/",
    ]:
        writer.open(path)

    # An inline script slipped into a page does not run, and the browser says why.
    writer.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = true'; document.head.append(s); }"
    )
    assert writer.page.evaluate("window.__injected === undefined")
    assert writer.page.evaluate("window.__violations")[0].startswith("script-src-elem blocked")
    writer.console.clear()

    # The editor: the review page, the changelist's select-all, publishing.
    editor.log_in("alex")
    editor.check()
    editor.open("/admin/sources/sourceitem/")
    editor.page.click("#action-toggle")
    checked = editor.page.locator("input.action-select:checked").count()
    assert checked == editor.page.locator("input.action-select").count() >= 3
    editor.shot("inbox-select-all")
    editor.open("/admin/briefings/briefing/")
    editor.open(f"/admin/briefings/briefing/{in_review.pk}/change/")
    editor.shot("review")
    editor.page.check("#wf-publish-confirm")
    editor.click("Approve and publish")
    assert "Published. Readers now see this version." in editor.text()
    editor.check()
    in_review.refresh_from_db()  # its address followed its headline until publication
    for path in [
        f"/admin/briefings/briefing/{live.pk}/change/",
        "/admin/",
        "/admin/briefings/topic/add/",
        "/admin/sources/outlet/",
    ]:
        editor.open(path)

    # The reader: every kind of public page.
    for path in [
        "/",
        live.get_absolute_url(),
        in_review.get_absolute_url(),
        "/topics/cities/",
        "/standards/",
        "/corrections/",
        "/sources/",
        f"/sources/{item.outlet.slug}/",
    ]:
        reader.open(path)
    reader.shot("briefing-page")
    assert "default-src 'self'" in reader.policy
    assert "frame-ancestors 'none'" in reader.policy

    for person in (writer, editor, reader):
        person.context.close()


def test_an_oversized_lead_image_gets_the_413_page(
    browser, live_server, artifacts, _browser_settings, settings
):
    settings.MAX_REQUEST_BYTES = 2 * 1024 * 1024
    writer_user = UserFactory(username="sam", role="Writers")
    draft = complete_briefing(writer_user, headline="Night buses return")
    Person.steps = 0
    writer = WatchedPerson(browser, live_server.url, artifacts, "writer")
    writer.log_in("sam")
    writer.open(f"/admin/briefings/briefing/{draft.pk}/change/")
    writer.page.set_input_files(
        "#id_lead_image",
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (3 * 1024 * 1024)},
    )
    with writer.page.expect_navigation() as navigation:
        writer.page.click("input[name=_continue]")
    assert navigation.value.status == 413
    assert "Too large" in writer.text()
    assert "2.0\xa0MB" in writer.text()
    writer.shot("too-large")
    writer.context.close()


def test_a_run_of_wrong_passwords_pauses_log_ins_with_a_page_that_says_until_when(
    browser, live_server, artifacts, _browser_settings, settings
):
    UserFactory(username="alex", role="Editors")
    Person.steps = 0
    guesser = WatchedPerson(browser, live_server.url, artifacts, "guesser")
    guesser.expected_errors = ("status of 429",)  # Chromium logs the page's own status
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.open("/admin/login/")
        guesser.page.fill("#id_username", "alex")
        guesser.page.fill("#id_password", "not-the-password")
        guesser.page.click("input[type=submit]")
        guesser.page.wait_for_load_state()
    guesser.open("/admin/login/")
    guesser.page.fill("#id_username", "alex")
    guesser.page.fill("#id_password", "correct-horse-battery")
    with guesser.page.expect_navigation() as navigation:
        guesser.page.click("input[type=submit]")
    assert navigation.value.status == 429
    assert "Log-ins paused" in guesser.text()
    assert "Try again after that time." in guesser.text()
    guesser.check()
    guesser.shot("log-ins-paused")
    guesser.open("/admin/")
    assert "/admin/login/" in guesser.page.url  # not logged in
    guesser.context.close()


def test_an_editor_sets_up_two_factor_sign_in_and_is_asked_for_the_code_next_time(
    browser, live_server, artifacts, _browser_settings, settings
):
    import base64
    import time

    from django_otp.oath import TOTP

    settings.REQUIRE_2FA_FOR_EDITORS = True
    UserFactory(username="alex", role="Editors")
    Person.steps = 0
    editor = WatchedPerson(browser, live_server.url, artifacts, "editor")

    def app_code(secret: bytes, steps_ahead: int = 0) -> str:
        totp = TOTP(secret, step=30, t0=0, digits=6)
        totp.time = time.time() + 30 * steps_ahead
        return f"{totp.token():06d}"

    # First sign-in: the password, then the set-up page with a QR code and the key.
    editor.open("/admin/login/")
    editor.page.fill("#id_username", "alex")
    editor.page.fill("#id_password", "correct-horse-battery")
    editor.page.click("input[type=submit]")
    editor.page.wait_for_url("**/admin/two-factor/?next=%2Fadmin%2F")
    editor.check()
    assert editor.page.locator("svg.segno").is_visible()
    editor.shot("set-up")
    secret = base64.b32decode(editor.page.inner_text(".two-factor-secret").replace(" ", ""))
    editor.page.fill("#id_code", app_code(secret))
    editor.page.click("input[type=submit]")
    editor.page.wait_for_url("**/admin/")
    assert "Editorial desk" in editor.text()
    editor.check()

    # Signing in again asks for the app's code, and no QR code.
    editor.page.get_by_role("button", name="Log out").click()
    editor.page.wait_for_load_state()
    editor.open("/admin/login/")
    editor.page.fill("#id_username", "alex")
    editor.page.fill("#id_password", "correct-horse-battery")
    editor.page.click("input[type=submit]")
    editor.page.wait_for_url("**/admin/two-factor/**")
    assert editor.page.locator("svg.segno").count() == 0
    editor.page.fill("#id_code", "000000")
    editor.page.click("input[type=submit]")
    editor.page.wait_for_load_state()
    assert "That code is not right" in editor.text()
    editor.shot("wrong-code")
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    editor.page.fill("#id_code", app_code(secret, steps_ahead=1))  # the first code is spent
    editor.page.click("input[type=submit]")
    editor.page.wait_for_url("**/admin/")
    editor.check()
    editor.shot("signed-in")
    editor.context.close()
