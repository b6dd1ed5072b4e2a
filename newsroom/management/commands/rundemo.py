"""``make run``'s one command: the development web server and the task worker side by side.

Each runs as its own ``manage.py`` process (with this process's environment) in a process
group of its own, so stopping one also stops the children Django's autoreloader starts.
Ctrl-C, SIGTERM or SIGHUP stops both; when either ends by itself, the other is stopped and
this command exits non-zero, so ``make`` fails rather than leave half the demo running.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10  # for the worker to finish the task it is running


class Command(BaseCommand):
    help = "Run the development web server and the task worker; stop both together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", help="Address and port for runserver, e.g. 127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = {
            "web server": [*manage, "runserver", addrport],
            "task worker": [*manage, "worker"],
        }
        stop = []
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda signum, frame: stop.append(signum))
        processes = {}
        try:
            for name, command in commands.items():
                # Our own manage.py with fixed arguments (and the address the user gave runserver).
                processes[name] = subprocess.Popen(command, process_group=0)  # noqa: S603
                self.stdout.write(f"Started the {name} (pid {processes[name].pid}).")
            self.stdout.write("Ctrl-C stops both.")
            self.stdout.flush()
            ended = None
            while not stop and ended is None:
                ended = next((n for n, p in processes.items() if p.poll() is not None), None)
                time.sleep(0.2)
        finally:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
            _stop_all(processes.values())
        if ended is not None:
            code = processes[ended].returncode
            raise CommandError(f"The {ended} stopped (exit status {code}); stopped the rest too.")


def _stop_all(processes) -> None:
    """SIGTERM to each process group; SIGKILL to whatever is left of them after the grace
    (the worker finishes the task it is running first)."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and any(_running(process) for process in processes):
        time.sleep(0.1)
    for process in processes:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _running(process) -> bool:
    """True while any process of ``process``'s group is left (the reloader's child too)."""
    process.poll()  # reap the group's leader once it ends, so only live processes count
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_group(process, signum) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has gone
        os.killpg(process.pid, signum)
