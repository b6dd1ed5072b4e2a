"""The page checkers the tests run: axe-core in Chromium (accessibility) and the Nu HTML
Checker (markup). Both come from npm (package.json; `make install` fetches them). Without
them these checks skip with the reason, except in CI (CI=true), where they fail."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SERIOUS = ("serious", "critical")


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Page checks cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def axe_violations(page, impacts=SERIOUS, context=None) -> list[str]:
    """axe-core's violations of the given impacts on the page as it is now (or in the part
    of it ``context`` names, as axe's own context object), one line each (rule, impact, the
    first offending element)."""
    if not AXE.exists():
        unavailable(f"axe-core is not installed ({AXE}); run make install")
    # Evaluated through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "(context) => axe.run(context || document, {resultTypes: ['violations']})"
        ".then(r => r.violations)",
        context,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
        for v in results
        if v["impact"] in impacts
    ]


def vnu_errors(pages: dict[str, str], tmp_path: Path) -> list[str]:
    """The Nu HTML Checker's errors for each page (name → HTML), checked in one run."""
    if not VNU.exists():
        unavailable(f"the Nu HTML Checker is not installed ({VNU}); run make install")
    java = shutil.which("java")
    if java is None:
        unavailable("the Nu HTML Checker needs Java")
    names = {}
    for n, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{n}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, tmp_path.glob("page-*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{names[Path(m['url']).name]}:{m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m.get("type") == "error"
    ]
