"""Lighthouse scores of the home page and a briefing page, served as in production.

    .venv/bin/python bench/lighthouse.py [--port 8190] [--runs 3]

Builds a demo site in a temporary folder (SQLite, the demo content, collected static files),
serves it with gunicorn and production settings (DEBUG off, the manifest static storage,
WhiteNoise), and runs Lighthouse 12.2.3 (npm, with Debian's Chromium) on each page --runs
times in the mobile preset, printing the median of each category. Exits 1 when a median is
under 95. Needs npx (Node) and /usr/bin/chromium; npx fetches Lighthouse on first use.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95


def run(command, env, **kwargs):
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    site = f"http://127.0.0.1:{args.port}"
    folder = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "SECRET_KEY": "lighthouse-bench-secret-key-not-for-production",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": site,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    quiet = {"stdout": subprocess.DEVNULL}
    run([PYTHON, "manage.py", "migrate", "--noinput"], env, **quiet)
    run([PYTHON, "manage.py", "seed_demo"], {**env, "DEMO_MODE": "true"}, **quiet)
    run([PYTHON, "manage.py", "collectstatic", "--noinput"], env, **quiet)
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "newsroom.wsgi", "-b", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(site + "/", timeout=2)  # noqa: S310 (our own server)
                break
            except OSError:
                time.sleep(0.2)
        pages = {"home": "/", "briefing": "/briefings/tidal-barrier-trial-closes-early/"}
        failed = False
        print(f"Lighthouse 12.2.3, mobile preset, median of {args.runs} runs")
        print(f"{'page':10}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for name, path in pages.items():
            scores = {c: [] for c in CATEGORIES}
            for _ in range(args.runs):
                report = folder / "report.json"
                subprocess.run(
                    [
                        "npx",
                        "--yes",
                        "lighthouse@12.2.3",
                        site + path,
                        "--quiet",
                        "--output=json",
                        f"--output-path={report}",
                        "--only-categories=" + ",".join(CATEGORIES),
                        "--chrome-path=/usr/bin/chromium",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    ],
                    check=True,
                    env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                )
                result = json.loads(report.read_text())
                for category in CATEGORIES:
                    scores[category].append(round(result["categories"][category]["score"] * 100))
            medians = {c: statistics.median(v) for c, v in scores.items()}
            failed |= any(score < TARGET for score in medians.values())
            print(f"{name:10}" + "".join(f"{medians[c]:>16}" for c in CATEGORIES))
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
