"""What every log line says about where it came from: requests (timing, request id in the response)
and background jobs (the request id and user id of the request that enqueued them).

django-structlog binds ``request_id`` and ``user_id`` for a request and writes one
``request_finished`` line; we add ``duration_ms`` to it and an ``X-Request-ID`` header to the
response. Jobs: django-structlog's django-tasks support targets Django 6's ``django.tasks``, and
RQ has none, so the context rides in the RQ job itself (``ContextQueue`` stores it in the job's
meta when the job is created, before it reaches Redis: no race with a fast worker); a job run
in-process (the immediate backend) simply keeps the request's context and adds its ``task_id``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse
from django_rq.queues import DjangoRQ

logger = structlog.get_logger("magpie.jobs")

CARRIED_KEYS = ("request_id", "user_id")
META_KEY = "log_context"
_job_started: ContextVar[tuple[float, dict[str, Any]] | None] = ContextVar("magpie_job_started", default=None)


def carried_context() -> dict[str, Any]:
    """The part of the current log context a job should carry."""
    bound = structlog.contextvars.get_contextvars()
    return {key: bound[key] for key in CARRIED_KEYS if bound.get(key) is not None}


class ContextQueue(DjangoRQ):
    """django-rq's queue, stamping each new job with the enqueuing request's log context."""

    def create_job(self, *args: Any, meta: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return super().create_job(*args, meta={**(meta or {}), META_KEY: carried_context()}, **kwargs)


def _rq_job_context(task_result: Any) -> dict[str, Any]:
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(task_result.id, connection=django_rq.get_connection(task_result.task.queue_name))
    except NoSuchJobError:
        logger.warning("job_context_missing", task_id=task_result.id)
        return {}
    return dict(job.meta.get(META_KEY) or {})


def on_task_started(sender: type, task_result: Any, **kwargs: Any) -> None:
    from django_tasks_rq import RQBackend

    if issubclass(sender, RQBackend):
        # A worker: nothing of the previous job may leak into this one.
        structlog.contextvars.clear_contextvars()
        tokens = structlog.contextvars.bind_contextvars(**_rq_job_context(task_result), task_id=task_result.id)
    else:
        tokens = structlog.contextvars.bind_contextvars(task_id=task_result.id)
    _job_started.set((time.monotonic(), tokens))
    logger.info("task_started", task=task_result.task.module_path)


def on_task_finished(sender: type, task_result: Any, **kwargs: Any) -> None:
    started = _job_started.get()
    duration_ms = round((time.monotonic() - started[0]) * 1000, 1) if started else None
    failed = str(task_result.status) == "FAILED"
    details = {"error": task_result.errors[-1].exception_class_path} if failed and task_result.errors else {}
    (logger.error if failed else logger.info)(
        "task_finished",
        task=task_result.task.module_path,
        status=str(task_result.status),
        duration_ms=duration_ms,
        **details,  # the class only: messages can name an email address (SMTPRecipientsRefused)
    )
    if started:
        structlog.contextvars.reset_contextvars(**started[1])  # back to the enqueuing request's context
        _job_started.set(None)


def on_request_started(request: Any, **kwargs: Any) -> None:
    request._magpie_log_started = time.monotonic()


def on_request_finished(request: Any, response: Any, log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    started = getattr(request, "_magpie_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and "X-Request-ID" not in response:
        response["X-Request-ID"] = request_id


def on_request_failed(request: Any, log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    started = getattr(request, "_magpie_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000, 1)


class BindUserMiddleware:
    """After the RLS middleware: bind ``user_id`` as soon as the user is known, so lines logged
    during the request (and jobs it enqueues) carry it, not only the final request line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django_structlog.middlewares.request import RequestMiddleware

        RequestMiddleware.bind_user_id(request)
        return self.get_response(request)


def connect() -> None:
    from django_structlog import signals as request_signals
    from django_tasks.signals import task_finished, task_started

    request_signals.bind_extra_request_metadata.connect(on_request_started, dispatch_uid="magpie_log_started")
    request_signals.bind_extra_request_finished_metadata.connect(on_request_finished, dispatch_uid="magpie_log_done")
    request_signals.bind_extra_request_failed_metadata.connect(on_request_failed, dispatch_uid="magpie_log_failed")
    task_started.connect(on_task_started, dispatch_uid="magpie_task_started")
    task_finished.connect(on_task_finished, dispatch_uid="magpie_task_finished")
