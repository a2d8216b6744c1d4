"""Background jobs for inventory: thin, enqueued after commit."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:send_low_stock_alert")
def send_low_stock_alert(variant_ids: list[int]) -> int:
    from .emails import low_stock_alert_send

    return low_stock_alert_send(variant_ids=variant_ids)
