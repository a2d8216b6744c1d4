"""Signal receivers: each only enqueues a job."""

from __future__ import annotations


def on_order_paid(sender, order_id: int, **kwargs) -> None:
    from .tasks import issue_gift_cards_for_order

    issue_gift_cards_for_order.enqueue(order_id)
