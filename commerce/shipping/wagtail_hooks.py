from wagtail.snippets.models import register_snippet

from commerce.stores.admin_scope import StoreScopedSnippetViewSet

from .models import ShippingMethod


class ShippingMethodViewSet(StoreScopedSnippetViewSet):
    model = ShippingMethod
    icon = "site"
    menu_label = "Shipping rates"
    list_display = ["name", "store", "price", "free_over", "countries", "is_active"]
    list_filter = ["store", "is_active"]


register_snippet(ShippingMethodViewSet)
