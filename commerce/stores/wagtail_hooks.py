from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Store


class StoreViewSet(SnippetViewSet):
    model = Store
    icon = "site"
    menu_label = "Stores"
    list_display = ["name", "site", "currency", "default_country", "contact_email"]
    search_fields = ["name"]


register_snippet(StoreViewSet)
