"""Where the CPU went during a phase of the bench: the store's processes, the stand-ins, the rest.

The machine is shared (2 cores, other engineers' suites and benches beside the bench), and the
checkout's place phase runs gunicorn, PostgreSQL, localstripe (the stand-in for Stripe), the RQ
worker and the buyers themselves on the same cores. Requests per second alone cannot tell the
store's cost from the stand-in's or from the neighbours' load; CPU seconds per process group can.

Read from ``/proc`` (Linux): each group's processes (the bench's own descendants by command line, and
the embedded PostgreSQL server with its backends) and the whole machine's busy time, at the start and
the end of the phase. A process that exits in between loses its CPU unless its parent reaps it into
the parent's ``cutime`` (gunicorn's workers and PostgreSQL's backends outlive the phase).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .server import BASE_DIR

POSTMASTER_PID = BASE_DIR / "var" / "postgres" / "postmaster.pid"
# the bench's child processes, by a word of their command line (first match wins)
GROUPS = (("gunicorn", "gunicorn"), ("rqworker", "RQ worker"), ("localstripe", "localstripe"))
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class CpuShare:
    seconds: float = 0.0  # wall time of the phase
    machine_busy: float = 0.0  # CPU seconds the whole machine spent busy (all cores)
    groups: dict[str, float] = field(default_factory=dict)  # group -> CPU seconds

    @property
    def measured(self) -> bool:
        return bool(self.groups)

    @property
    def others(self) -> float:
        """Busy CPU seconds of everything outside the bench's groups (other users of the machine)."""
        return max(self.machine_busy - sum(self.groups.values()), 0.0)

    def per(self, count: int, *names: str) -> float:
        """Milliseconds of CPU per unit (e.g. per order placed) for the named groups together."""
        return 1000 * sum(self.groups.get(name, 0.0) for name in names) / count if count else 0.0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                tree.setdefault(int(stat[1]), []).append(int(entry))
    return tree


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: state, ppid, ... (man 5 proc)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _cpu(pid: int) -> float:
    stat = _stat(pid)
    return sum(int(value) for value in stat[11:15]) / _TICKS if stat else 0.0  # utime stime cutime cstime


def _tree(pid: int, children: dict[int, list[int]]) -> Iterator[int]:
    yield pid
    for child in children.get(pid, ()):
        yield from _tree(child, children)


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _postgres_pid() -> int | None:
    try:
        return int(POSTMASTER_PID.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _sample() -> tuple[float, dict[str, float]]:
    children = _children()
    postgres = _postgres_pid()
    server = set(_tree(postgres, children)) if postgres is not None else set()
    groups: dict[str, float] = {"buyers and bench": _cpu(os.getpid())}
    if server:
        groups["PostgreSQL"] = sum(_cpu(pid) for pid in server)
    for child in children.get(os.getpid(), ()):
        if child in server:  # the bench started the embedded server: counted once, above
            continue
        command = _command(child)
        name = next((label for word, label in GROUPS if word in command), "other bench processes")
        groups[name] = groups.get(name, 0.0) + sum(_cpu(pid) for pid in _tree(child, children))
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / _TICKS  # everything but idle and iowait
    return busy, groups


@contextmanager
def cpu_share() -> Iterator[CpuShare]:
    """The CPU used while the block runs; empty (``measured`` False) where ``/proc`` is not there."""
    share = CpuShare()
    if not Path("/proc/stat").exists():
        yield share
        return
    started, (busy, before) = time.monotonic(), _sample()
    try:
        yield share
    finally:
        busy_after, after = _sample()
        share.seconds = time.monotonic() - started
        share.machine_busy = busy_after - busy
        share.groups = {name: max(after.get(name, 0.0) - before.get(name, 0.0), 0.0) for name in after}
