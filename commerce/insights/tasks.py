"""Background jobs for the reports: thin, idempotent, enqueued after commit."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:refresh_daily_sales_for_order")
def refresh_daily_sales_for_order(order_id: int) -> int:
    """Recompute the summary for the local days the order was paid and refunded on (any number of
    times: a refresh recomputes, it never adds)."""
    from commerce.orders.models import Order
    from commerce.payments.models import Refund

    from .daily_summary import customer_first_orders_refresh, daily_sales_refresh_times

    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None or order.paid_at is None:
        return 0
    refunded = Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED).values_list("created_at", flat=True)
    customer_first_orders_refresh(store=order.store, emails=[order.email])
    return daily_sales_refresh_times(store=order.store, moments=[order.paid_at, *refunded])
