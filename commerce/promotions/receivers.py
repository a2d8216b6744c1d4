"""Signal receivers: each only enqueues a job."""

from __future__ import annotations


def on_order_paid(sender, order_id: int, **kwargs) -> None:
    from .tasks import issue_gift_cards_for_order

    issue_gift_cards_for_order.enqueue(order_id)


def on_order_refunded(sender, order_id: int, fully: bool, **kwargs) -> None:
    if fully:
        from .tasks import release_discounts_for_refunded_order

        release_discounts_for_refunded_order.enqueue(order_id)
