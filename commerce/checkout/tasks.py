"""Background jobs for the checkout: thin, idempotent."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    from .lifecycle import orders_expire

    return orders_expire()
