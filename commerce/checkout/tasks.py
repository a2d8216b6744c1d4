"""Background jobs for the checkout: thin, idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_unpaid_orders() -> int:
    from .lifecycle import orders_expire

    return orders_expire()
