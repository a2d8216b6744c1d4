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


@task()
@runs_as_system("task:send_shipped_email")
def send_shipped_email(order_id: int, fulfilment_id: int) -> bool:
    from .fulfilment_emails import order_shipped_email_send

    return order_shipped_email_send(order_id=order_id, fulfilment_id=fulfilment_id)


@task()
@runs_as_system("task:send_return_email")
def send_return_email(order_id: int, return_id: int, status: str) -> bool:
    from .fulfilment_emails import return_email_send

    return return_email_send(order_id=order_id, return_id=return_id, status=status)
