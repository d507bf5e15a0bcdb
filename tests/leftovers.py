"""No process the suite starts outlives it: the check tests/conftest.py runs when the
session ends.

A process counts as the suite's when it descends from the pytest process, sits in a
process group that loadtest.servers started (servers run in groups of their own, so a
gunicorn whose Litestream parent was killed is still found after it was handed to
init), or carries this run's mark in its environment (set before the first test, and
inherited by everything started since, however far it strays). Read from /proc: Linux,
as the suite's servers and chromium are.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

# The mark's name carries no DJANGO_/DATABASE_/REDIS_/PYTEST prefix: the environments
# the tests build for their servers drop those, and must keep this.
MARK = "CRAMPJOURNAL_SUITE_RUN"
# A server asked to stop a moment before the session ends may still be on its way out.
GRACE_SECONDS = 5.0
# multiprocessing's helpers (journal.reports.pdf renders in a forkserver) live as long as
# the process that started them, by design: each ends when its pipe from pytest closes.
# Not counted while they are pytest's own children; .ci/no-leftovers checks, after
# pytest has exited, that they went with it.
ENDS_WITH_PYTEST = (
    "from multiprocessing.forkserver import main",
    "from multiprocessing.resource_tracker import main",
)


@dataclass(frozen=True)
class Found:
    pid: int
    ppid: int
    pgid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} (parent {self.ppid}, group {self.pgid}): {self.command}"


def mark_this_run() -> None:
    """Give this process (and so everything it starts) this run's mark."""
    os.environ[MARK] = f"{os.getpid()}-{secrets.token_hex(4)}"


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent, group) of a process; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces or ")": split after the last ")".
    state, ppid, pgid = text[text.rindex(")") + 2 :].split()[:3]
    return state, int(ppid), int(pgid)


def _marked(pid: int, mark: str) -> bool:
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # another user's process, or gone
        return False
    return f"{MARK}={mark}".encode() in environ.split(b"\0")


def _command(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return "?"


def _left(groups: set[int]) -> list[Found]:
    me = os.getpid()
    mark = os.environ.get(MARK, "")
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            table[int(entry.name)] = stat
    children: dict[int, list[int]] = {}
    for pid, (_, ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    descendants, todo = set(), list(children.get(me, []))
    while todo:
        pid = todo.pop()
        descendants.add(pid)
        todo.extend(children.get(pid, []))
    found = []
    for pid, (state, ppid, pgid) in sorted(table.items()):
        # A zombie has ended; only its parent's wait() is missing.
        if pid == me or state == "Z":
            continue
        if pid in descendants or pgid in groups or (mark and _marked(pid, mark)):
            command = _command(pid)
            if ppid == me and any(helper in command for helper in ENDS_WITH_PYTEST):
                continue
            found.append(Found(pid, ppid, pgid, command))
    return found


def left_behind(groups: set[int], grace: float = GRACE_SECONDS) -> list[Found]:
    """The suite's processes still running, after ``grace`` seconds for those ending."""
    deadline = time.monotonic() + grace
    while (found := _left(groups)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def end(found: list[Found]) -> None:
    """SIGKILL what was found, so that a failed run leaves the machine clean."""
    for process in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(process.pid, signal.SIGKILL)
