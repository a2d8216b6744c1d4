"""Background jobs for payments: thin, idempotent."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:retry_waiting_payment_events")
def retry_waiting_payment_events() -> int:
    """Apply provider events that arrived before their payment was recorded (or give up on them
    after a day); safe to run as often as you like."""
    from .services import webhook_retry_waiting

    return webhook_retry_waiting()
