"""gunicorn with the production settings (config/gunicorn.py, 2 workers) on a benchmark database."""

from __future__ import annotations

import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = BASE_DIR / "var" / "bench"


def production_env(
    *, database: str, port: int, host: str, cache_seconds: int, workers: int, localstripe: str
) -> dict[str, str]:
    """What the production settings need, with safe local values: a fresh random secret, plain HTTP on
    loopback, Stripe keys that only ever reach localstripe (at ``localstripe``), e-mail that goes nowhere,
    a proxy in front (the checkout's buyers each come from their own ``X-Forwarded-For`` address), and
    the benchmark's baseline view on."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "STRIPE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{host},127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        STRIPE_SECRET_KEY=env.get("BENCH_STRIPE_SECRET_KEY", "sk_test_bench"),
        STRIPE_WEBHOOK_SECRET="whsec_bench_" + secrets.token_hex(8),
        STRIPE_API_BASE=localstripe,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # confirmations are rendered, not sent
        MAGPIE_TRUST_PROXY_HEADERS="true",
        MAGPIE_EMBEDDED_DB_NAME=database,
        MAGPIE_BENCH_BASELINE="true",
        MAGPIE_PAGE_CACHE_SECONDS=str(cache_seconds),
        WEB_CONCURRENCY=str(workers),
        PORT=str(port),
        GUNICORN_MAX_REQUESTS="0",  # no worker recycling in the middle of a measurement
    )
    return env


def gunicorn_config() -> dict[str, object]:
    """The settings production's ``config/gunicorn.py`` gives the bench's gunicorn, such as its worker class
    and threads (read, not imported: ``config`` is not the bench's to import)."""
    return runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))


@contextmanager
def gunicorn(*, env: dict[str, str], port: int, host: str, ready_path: str, label: str) -> Iterator[str]:
    """Start gunicorn, wait until ``ready_path`` answers 200, yield the base URL, then stop it."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / f"gunicorn-{label}.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + ready_path, host=host, process=process)
        yield base
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (a graceful shutdown for gunicorn and RQ), then SIGKILL if it is not gone in 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_ready(url: str, *, host: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see {LOG_DIR}")
        try:
            probe = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 - loopback http only
            with urllib.request.urlopen(probe, timeout=60) as answer:  # noqa: S310 - a loaded machine's first request
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s; see {LOG_DIR}")


def fetch(url: str, *, host: str) -> tuple[int, dict[str, str]]:
    """One GET (to warm a page up or check its cache header): status and headers."""
    request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 - loopback http only
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answer.read()
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def free_port() -> int:
    """A TCP port nothing listens on right now (for localstripe)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
