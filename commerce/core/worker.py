"""The RQ worker class production runs: ``manage.py rqworker default --job-class django_tasks_rq.Job
--worker-class commerce.core.worker.Worker``.

RQ's default worker forks a child for every job. Magpie's jobs are short (an e-mail, a summary
refresh), so the fork cost most of each one: the child opened a new database connection (a new
PostgreSQL backend with cold caches), imported the job's modules and compiled its templates again,
then threw all of it away. This worker runs jobs in its own process, one after another, and keeps
those warm; like Django around a request, it drops a database connection that broke or outlived
``CONN_MAX_AGE`` before and after each job, so one failure does not poison the next job. A job that
hangs is still stopped by RQ's job timeout (a signal in this process).
"""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections, connection
from rq.worker import SimpleWorker


def _drop_unusable_connections() -> None:
    # Never inside a transaction: a test runs the worker inside its own, and a job never runs in one.
    if not connection.in_atomic_block:
        close_old_connections()


class Worker(SimpleWorker):
    def execute_job(self, job: Any, queue: Any) -> None:
        _drop_unusable_connections()
        try:
            super().execute_job(job, queue)
        finally:
            _drop_unusable_connections()
