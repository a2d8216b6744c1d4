"""Background jobs for the checkout run, the way production runs them (README, Operations).

Production hands after-commit work (the confirmation e-mail, the insights summaries, gift cards
bought) to RQ workers through Redis. When Redis answers at ``BENCH_REDIS_URL`` the checkout's
gunicorn gets it as ``REDIS_URL`` and one RQ worker runs beside it; otherwise the jobs run inline in
the request (django_tasks' immediate backend), as in development, and the report says which.

The bench's Redis database is its own (default 11: the test suite uses 13–15, and
``tests/checkout/test_jobs.py`` empties queue ``default`` on 15), and it is emptied at the start of
a run, so no cache entry, throttle counter or job of an earlier run is read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from .server import BASE_DIR, LOG_DIR, stop

# production's worker command (compose.yaml, README Operations), after ``manage.py rqworker``
WORKER_ARGS = ["default", "--job-class", "django_tasks_rq.Job", "--worker-class", "commerce.core.worker.Worker"]
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")


def redis_reachable(url: str = BENCH_REDIS_URL) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@contextmanager
def background_jobs(env: dict[str, str], *, label: str) -> Iterator[str]:
    """Set ``env`` up for background jobs (``REDIS_URL`` and one RQ worker while the block runs) when
    Redis answers; yields a sentence for the report saying how jobs ran."""
    if not redis_reachable():
        yield "Background jobs ran inline in the payment request (no Redis at BENCH_REDIS_URL)."
        return
    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()  # the bench's own database
    env["REDIS_URL"] = BENCH_REDIS_URL
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / f"rqworker-{label}.log").open("w")
    command = [sys.executable, "manage.py", "rqworker", *WORKER_ARGS]
    worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield (
            f"Background jobs (confirmation e-mail, insights summaries) went to one RQ worker through Redis "
            f"({BENCH_REDIS_URL}), as production runs them, not inline in the payment request."
        )
    finally:
        stop(worker)
        log.close()
