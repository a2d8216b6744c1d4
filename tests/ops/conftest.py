"""Shared fixtures for the operations tests."""

from __future__ import annotations

import io
import json
import logging

import pytest
import redis

from config.structured_logging import json_handler


class LogCapture:
    """Everything logged, through production's JSON formatter, parsed back."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = json_handler(self.stream)

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()


@pytest.fixture
def log_lines():
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture.handler)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)


def redis_available(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")


def use_rq(settings, url: str):
    """Background jobs on RQ (the real Redis at ``url``, an empty queue), as in production."""
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url, "QUEUE_CLASS": "commerce.core.log_context.ContextQueue"}}
    queue = django_rq.get_queue("default")
    queue.empty()
    return queue


def run_worker(queue) -> None:
    """An RQ worker (in this process) runs every queued job, starting with no RLS context."""
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from commerce.core.rls import use_context

    with use_context(None):
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
