"""``manage.py rundemo`` (what ``make run`` runs): the web server and the task worker start
together and stop together, whichever way it ends, and leave no process behind."""

import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from newsroom.models import SchedulerCheckIn
from tests.processes import ROOT, database_url, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def rundemo(tmp_path):
    """Start ``rundemo`` on ``port`` in a process group of its own, as a terminal runs a
    foreground job; whatever happens, nothing it started outlives the test."""
    started = []

    def start(port: int):
        log = tmp_path / "rundemo.log"
        env = {
            **os.environ,
            "DEBUG": "true",  # as make run: runserver, with its autoreloader
            "DATABASE_URL": database_url(),
            "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
            "EMAIL_URL": "dummymail://",
        }
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "rundemo", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def children(log) -> dict[str, int]:
    found = re.findall(r"Started the (.+?) \(pid (\d+)\)", log.read_text())
    return {name: int(pid) for name, pid in found}


def gone(pid: int) -> bool:
    """True when no process of the group ``pid`` leads is left."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def up(process, port: int) -> bool:
    """Both ready (the server answers, the worker has checked in), or ``process`` ended."""
    return process.poll() is not None or (answers(port) and SchedulerCheckIn.objects.exists())


def answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda p: os.killpg(p.pid, signal.SIGINT), id="ctrl-c"),
        pytest.param(lambda p: p.send_signal(signal.SIGTERM), id="sigterm"),
    ],
)
def test_both_start_and_both_stop(rundemo, stop):
    port = free_port()
    process, log = rundemo(port)
    wait_for(lambda: up(process, port), 60, log)
    assert process.poll() is None, log.read_text()
    pids = children(log)
    assert set(pids) == {"web server", "task worker"}

    stop(process)

    assert process.wait(timeout=30) == 0, log.read_text()
    assert all(gone(pid) for pid in pids.values()), log.read_text()
    assert not answers(port)


def test_a_web_server_that_cannot_start_stops_the_worker_and_fails(rundemo):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process, log = rundemo(taken.getsockname()[1])
        assert process.wait(timeout=60) != 0
    assert "That port is already in use" in log.read_text()
    assert "The web server stopped" in log.read_text()
    assert all(gone(pid) for pid in children(log).values()), log.read_text()


def test_a_worker_that_dies_stops_the_web_server_and_fails(rundemo):
    port = free_port()
    process, log = rundemo(port)
    wait_for(lambda: up(process, port), 60, log)
    assert process.poll() is None, log.read_text()
    pids = children(log)

    os.killpg(pids["task worker"], signal.SIGKILL)

    assert process.wait(timeout=30) != 0
    assert "The task worker stopped" in log.read_text()
    assert all(gone(pid) for pid in pids.values()), log.read_text()
    assert not answers(port)


def test_make_worker_runs_with_the_same_settings_as_make_run():
    def environment(target: str, command: str) -> str:
        """What ``make -n target`` puts before ``manage.py command``."""
        out = subprocess.run(
            ["make", "-n", target, "PORT=8102"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k not in {"SITE_URL", "CACHE_URL"}},
        ).stdout
        line = next(line for line in out.splitlines() if f"manage.py {command}" in line)
        return line.split(" .venv/bin/python")[0]

    worker = environment("worker", "worker")
    assert worker == environment("run", "rundemo")
    assert "DEMO_MODE=true" in worker and "CACHE_URL=filecache://" in worker
