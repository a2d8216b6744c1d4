"""Signal receivers: each only enqueues a job."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone


def on_order_paid_or_refunded(sender, order_id: int, **kwargs) -> None:
    from .tasks import refresh_daily_sales_for_order

    refresh_daily_sales_for_order.enqueue(order_id)


RETURN_STEPS = ("return_requested", "return_approved", "return_received", "return_rejected", "return_refunded")


def on_order_event_saved(sender, instance, created: bool, **kwargs) -> None:
    """A return took a step (the returns services write one timeline event per step): refresh the
    returns summary after the commit."""
    if not created or instance.type not in RETURN_STEPS or not (instance.data or {}).get("return_request"):
        return
    from .tasks import refresh_return_summary

    return_id = int(instance.data["return_request"])
    transaction.on_commit(lambda: refresh_return_summary.enqueue(return_id))


def on_gift_card_entry_saved(sender, instance, created: bool, **kwargs) -> None:
    """A gift-card ledger row (issued, redeemed, refunded to, adjusted): refresh after the commit."""
    if created:
        on_gift_cards_moved(sender, store_ids=[instance.gift_card.store_id], moment=instance.created_at)


def on_gift_cards_moved(sender, store_ids, moment: datetime | None = None, **kwargs) -> None:
    from .tasks import refresh_gift_card_summary

    when = [(moment or timezone.now()).isoformat()]
    for store_id in sorted(store_ids):
        transaction.on_commit(lambda store_id=store_id: refresh_gift_card_summary.enqueue(store_id, when))
