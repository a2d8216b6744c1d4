"""Error reporting to Sentry when ``SENTRY_DSN`` is set: web processes, RQ workers and commands.

Personal data stays home (Sentry's ``data_collection``): no user details, IP address, cookies,
query strings, SQL parameters or job arguments, no request bodies (checkout forms carry names and
addresses), no local variables in stack frames (an order in a frame would carry its email), no
headers naming the client or carrying credentials, and any email address left in a message or
breadcrumb masked before sending.
"""

from __future__ import annotations

from typing import Any

from config.structured_logging import mask_emails

# Request headers that name the client or carry credentials (matched as substrings).
HEADER_DENYLIST = ["cookie", "authorization", "forwarded", "-ip", "remote-", "via", "-user", "x-csrftoken"]


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return mask_emails(event)


def init_sentry(*, dsn: str, environment: str = "production", release: str | None = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.rq import RqIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), RqIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist", "terms": HEADER_DENYLIST}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,  # job arguments (an email address, say)
            "stack_frame_variables": False,
        },
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: mask_emails(crumb),
        traces_sample_rate=0.0,
        shutdown_timeout=2,
    )
