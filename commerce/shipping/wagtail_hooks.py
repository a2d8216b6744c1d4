from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ShippingMethod


class ShippingMethodViewSet(SnippetViewSet):
    model = ShippingMethod
    icon = "site"
    menu_label = "Shipping rates"
    list_display = ["name", "store", "price", "free_over", "countries", "is_active"]
    list_filter = ["store", "is_active"]


register_snippet(ShippingMethodViewSet)
