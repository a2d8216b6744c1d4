from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from commerce.stores.admin_scope import StoreScopedSnippetViewSet

from . import admin_views
from .models import ShippingMethod


class ShippingMethodViewSet(StoreScopedSnippetViewSet):
    model = ShippingMethod
    icon = "site"
    menu_label = "Shipping rates"
    list_display = ["name", "store", "price", "free_over", "countries", "is_active"]
    list_filter = ["store", "is_active"]


register_snippet(ShippingMethodViewSet)


@hooks.register("register_admin_urls")
def shipping_label_urls() -> list:
    return [
        path(
            "orders/<int:order_id>/fulfilments/<int:fulfilment_id>/label/",
            admin_views.label_buy_view,
            name="shipping_label_buy",
        ),
        path(
            "orders/<int:order_id>/fulfilments/<int:fulfilment_id>/packing-slip/",
            admin_views.packing_slip_view,
            name="shipping_packing_slip",
        ),
        path(
            "orders/<int:order_id>/labels/<int:shipment_id>/void/",
            admin_views.label_void_view,
            name="shipping_label_void",
        ),
        path(
            "orders/<int:order_id>/returns/<int:return_id>/label/",
            admin_views.return_label_view,
            name="shipping_return_label",
        ),
    ]
