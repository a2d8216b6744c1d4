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

    from .activity_summary import activity_refresh_times
    from .daily_summary import customer_first_orders_refresh, daily_sales_refresh_times

    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None or order.paid_at is None:
        return 0
    refunded = Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED).values_list("created_at", flat=True)
    customer_first_orders_refresh(store=order.store, emails=[order.email])
    activity_refresh_times(store=order.store, moments=refunded, parts=("refunds",))
    return daily_sales_refresh_times(store=order.store, moments=[order.paid_at, *refunded])


@task()
@runs_as_system("task:refresh_return_summary")
def refresh_return_summary(return_id: int) -> int:
    """Recompute the returns summary for the local days the return was opened on (its units and
    reasons: a rejection takes them out) and took each of its steps on."""
    from commerce.orders.fulfilment_models import ReturnRequest
    from commerce.orders.models import OrderEvent

    from .activity_summary import activity_refresh_times

    made = ReturnRequest.objects.select_related("order__store").filter(pk=return_id).first()
    if made is None:
        return 0
    steps = OrderEvent.objects.filter(order_id=made.order_id, data__return_request=made.pk, type__startswith="return_")
    moments = [made.created_at, *steps.values_list("created_at", flat=True)]
    return activity_refresh_times(store=made.order.store, moments=moments, parts=("returns",))


@task()
@runs_as_system("task:refresh_gift_card_summary")
def refresh_gift_card_summary(store_id: int, moments: list[str]) -> int:
    """Recompute the gift-card summary of ``store_id`` for the local days of ``moments`` (ISO times
    of ledger rows: written as they happen, so today's)."""
    from datetime import datetime

    from commerce.stores.models import Store

    from .activity_summary import activity_refresh_times

    store = Store.objects.filter(pk=store_id).first()
    if store is None:
        return 0
    when = [datetime.fromisoformat(moment) for moment in moments]
    return activity_refresh_times(store=store, moments=when, parts=("gift_cards",))
