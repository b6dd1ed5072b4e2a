"""axe-core finds no violation on any public page of the demo, at a phone's width and a
desktop's, error pages included."""

import pytest
from django.core.management import call_command

from tests.briefings.test_markup import public_urls
from tests.page_checks import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def test_every_public_page_passes_axe_at_phone_and_desktop_widths(
    browser, live_server, settings, _browser_settings
):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEMO_MODE = False
    found = {}
    for width, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        for url in public_urls():
            page.goto(live_server.url + url)
            problems = axe_violations(page, impacts=EVERY_IMPACT)
            if problems:
                found[f"{width} {url}"] = problems
        context.close()
    assert found == {}, "\n".join(f"{where}: {problems}" for where, problems in found.items())
