from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commerce.insights"
    label = "insights"
    verbose_name = "Reports and insights"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from commerce.orders.models import OrderEvent
        from commerce.orders.signals import order_paid, order_refunded
        from commerce.promotions.models import GiftCardTransaction
        from commerce.promotions.signals import discount_uses_released, gift_cards_moved

        from .receivers import (
            on_gift_card_entry_saved,
            on_gift_cards_moved,
            on_order_event_saved,
            on_order_paid_or_refunded,
        )

        order_paid.connect(on_order_paid_or_refunded, dispatch_uid="magpie.insights.daily_sales_paid")
        order_refunded.connect(on_order_paid_or_refunded, dispatch_uid="magpie.insights.daily_sales_refunded")
        discount_uses_released.connect(on_order_paid_or_refunded, dispatch_uid="magpie.insights.discounts_released")
        # Refunds, returns and gift cards (their summaries): a return's step is a timeline event and a
        # gift card's movement a ledger row, both saved one at a time; bulk ledger writes send their own.
        post_save.connect(on_order_event_saved, sender=OrderEvent, dispatch_uid="magpie.insights.return_steps")
        post_save.connect(on_gift_card_entry_saved, sender=GiftCardTransaction, dispatch_uid="magpie.insights.ledger")
        gift_cards_moved.connect(on_gift_cards_moved, dispatch_uid="magpie.insights.ledger_bulk")
