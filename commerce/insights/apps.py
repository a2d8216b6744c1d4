from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commerce.insights"
    label = "insights"
    verbose_name = "Reports and insights"

    def ready(self) -> None:
        from commerce.orders.signals import order_paid, order_refunded

        from .receivers import on_order_paid_or_refunded

        order_paid.connect(on_order_paid_or_refunded, dispatch_uid="magpie.insights.daily_sales_paid")
        order_refunded.connect(on_order_paid_or_refunded, dispatch_uid="magpie.insights.daily_sales_refunded")
