from wagtail.snippets.models import register_snippet

from .admin_scope import StoreChooserViewSet, StoreScopedSnippetViewSet
from .models import Store


class StoreViewSet(StoreScopedSnippetViewSet):
    model = Store
    chooser_viewset_class = StoreChooserViewSet
    icon = "site"
    menu_label = "Stores"
    list_display = ["name", "site", "currency", "default_country", "contact_email"]
    search_fields = ["name"]


register_snippet(StoreViewSet)
