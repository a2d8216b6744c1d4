"""Signal receivers: each only enqueues a job."""

from __future__ import annotations


def on_order_paid_or_refunded(sender, order_id: int, **kwargs) -> None:
    from .tasks import refresh_daily_sales_for_order

    refresh_daily_sales_for_order.enqueue(order_id)
