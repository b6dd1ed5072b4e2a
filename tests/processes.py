"""Helpers for tests that run the project's commands as separate processes against the test
database (the task worker, ``rundemo``)."""

import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database, as DATABASE_URL for another process. On SQLite the suite's
    settings make it a file, so another process can open it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        auth += f":{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, seconds: float, log: Path | None = None) -> float:
    """Poll ``condition`` until true; the seconds it took. Fails after ``seconds``, with the
    other process's ``log`` if given."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"Not within {seconds} s." + (f"\n{log.read_text()}" if log else ""))
        time.sleep(0.25)
    return time.monotonic() - start
