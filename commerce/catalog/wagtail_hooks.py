from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Category


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = "Categories"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # the database's icontains: slugs are not in the search index
    ordering = ["name"]


register_snippet(CategoryViewSet)
