from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "commerce.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self) -> None:
        from commerce.orders.signals import order_paid, order_refunded

        from .receivers import on_order_paid, on_order_refunded

        order_paid.connect(on_order_paid, dispatch_uid="magpie.promotions.issue_gift_cards")
        order_refunded.connect(on_order_refunded, dispatch_uid="magpie.promotions.release_discounts")
