"""Background jobs for orders: thin, idempotent, enqueued after commit."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:send_order_confirmation")
def send_order_confirmation(order_id: int) -> bool:
    from .emails import order_confirmation_send

    return order_confirmation_send(order_id=order_id)


@task()
@runs_as_system("task:send_refund_email")
def send_refund_email(order_id: int, event_id: int) -> bool:
    from .emails import order_refund_email_send

    return order_refund_email_send(order_id=order_id, event_id=event_id)
