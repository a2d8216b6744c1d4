"""The embedded PostgreSQL server comes back by itself after an unclean stop, with its data.

Each case is reproduced on a server of its own in a temporary folder (never the suite's own
server), and restarted the way a developer would: a new process running
``python -m config.embedded_postgres start``, which is what settings do on first use.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import psycopg
import pytest

from config.embedded_postgres import BASE_DIR, PID_LIST, POSTMASTER_PID, stop

pytestmark = pytest.mark.ops


def start(data_dir: Path) -> subprocess.CompletedProcess:
    """A fresh process starting the server, as `make run`, `make test` or `manage.py` would."""
    return subprocess.run(
        [sys.executable, "-m", "config.embedded_postgres", "start", str(data_dir)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def connect(data_dir: Path) -> psycopg.Connection:
    return psycopg.connect(host=str(data_dir), user="postgres", dbname="postgres", autocommit=True, connect_timeout=5)


def rows(data_dir: Path) -> list[str]:
    with connect(data_dir) as conn:
        return [row[0] for row in conn.execute("SELECT note FROM survivor ORDER BY id")]


def server_pid(data_dir: Path) -> int:
    return int((data_dir / POSTMASTER_PID).read_text().splitlines()[0])


def kill_hard(data_dir: Path) -> None:
    """SIGKILL the postmaster and wait for its backends to notice and exit: a crash or power cut."""
    postmaster = psutil.Process(server_pid(data_dir))
    children = postmaster.children(recursive=True)
    postmaster.kill()
    postmaster.wait(timeout=10)
    psutil.wait_procs(children, timeout=15)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded") / "pg"
    assert start(folder).returncode == 0
    with connect(folder) as conn:
        conn.execute("CREATE TABLE survivor (id serial PRIMARY KEY, note text NOT NULL)")
        conn.execute("INSERT INTO survivor (note) VALUES ('committed before the crash')")
    yield folder
    stop(folder)


@pytest.fixture
def running(data_dir):
    """Each case starts from a running server holding the committed row."""
    result = start(data_dir)
    assert result.returncode == 0, result.stderr
    assert rows(data_dir) == ["committed before the crash"]
    return data_dir


def assert_recovered(data_dir: Path, *, repaired: str) -> None:
    result = start(data_dir)

    assert result.returncode == 0, result.stderr
    assert repaired in result.stderr  # says what it repaired
    assert rows(data_dir) == ["committed before the crash"]  # nothing lost
    assert start(data_dir).stderr.count("embedded PostgreSQL in") == 0  # and the next start is clean


@pytest.mark.parametrize("content", ["", "[12, 3", "{}", "\x00\x00"], ids=["empty", "cut-short", "not-a-list", "nul"])
def test_a_corrupt_pid_list_is_reset(running, content):
    (running / PID_LIST).write_text(content)

    assert_recovered(running, repaired=f"{PID_LIST} was empty or corrupt")


def test_a_killed_server_leaves_a_stale_postmaster_pid_and_socket(running):
    with connect(running) as conn:
        conn.execute("INSERT INTO survivor (note) VALUES ('committed just before the kill')")
    kill_hard(running)
    assert (running / POSTMASTER_PID).exists()
    assert (running / ".s.PGSQL.5432").exists()
    (running / PID_LIST).write_text("")  # killed while writing its pid list, too

    result = start(running)

    assert result.returncode == 0, result.stderr
    assert "stale" in result.stderr
    assert "leftover socket file" in result.stderr
    assert rows(running) == ["committed before the crash", "committed just before the kill"]
    with connect(running) as conn:
        conn.execute("DELETE FROM survivor WHERE note = 'committed just before the kill'")


def test_a_postmaster_pid_naming_another_live_process(running):
    """After a reboot the old pid can belong to anything: PostgreSQL itself refuses to start then
    ("lock file already exists"), and the library believes the server runs."""
    kill_hard(running)
    impostor = subprocess.Popen(["sleep", "60"])
    try:
        for name in (POSTMASTER_PID, ".s.PGSQL.5432.lock"):
            lines = (running / name).read_text().splitlines()
            (running / name).write_text("\n".join([str(impostor.pid), *lines[1:]]) + "\n")

        assert_recovered(running, repaired="stale")
    finally:
        impostor.kill()
        impostor.wait()


def test_a_postmaster_pid_cut_short_by_a_crash_during_start_up(running):
    kill_hard(running)
    lines = (running / POSTMASTER_PID).read_text().splitlines()
    (running / POSTMASTER_PID).write_text("\n".join(lines[:3]) + "\n")

    assert_recovered(running, repaired="stale")


def test_leftover_socket_files_without_a_postmaster_pid(running):
    kill_hard(running)
    (running / POSTMASTER_PID).unlink()
    assert (running / ".s.PGSQL.5432").exists()

    assert_recovered(running, repaired="leftover socket file")


def test_a_running_server_is_left_alone(running):
    pid = server_pid(running)

    result = start(running)

    assert result.returncode == 0
    assert "embedded PostgreSQL in" not in result.stderr
    assert server_pid(running) == pid
    assert psutil.Process(pid).is_running()
