from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin import messages
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .bulk_actions import PRODUCT_BULK_ACTIONS
from .forms import ProductCollectionsForm
from .merchandising import product_set_collections
from .models import Category, ProductPage
from .product_admin import product_listing_viewset
from .product_chooser import product_chooser_viewset
from .variants import page_tree_has_stock_history


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = "Categories"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # the database's icontains: slugs are not in the search index
    ordering = ["name"]


register_snippet(CategoryViewSet)


def _refuse(request, page):
    messages.error(
        request,
        f"“{page.title}” has products that were stocked, sold or reserved; their history must stay. "
        "Unpublish it instead.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_delete_page")
def refuse_deleting_products_with_stock_history(request, page):
    return _refuse(request, page) if page_tree_has_stock_history(page) else None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_products_with_stock_history(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    for page in objects:
        if isinstance(page, Page) and page_tree_has_stock_history(page):
            return _refuse(request, page)
    return None


for bulk_action in PRODUCT_BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def put_the_product_in_its_chosen_collections(request, page):
    """The editor's "Collections" ticks, applied once the page exists (the editor form checked them)."""
    if not isinstance(page.specific, ProductPage) or "title" not in request.POST:
        return
    form = ProductCollectionsForm(request.POST, store_page=page)
    if form.is_valid():
        product_set_collections(product=page.specific, collections=form.cleaned_data["collections"], actor=request.user)


@hooks.register("register_admin_viewset")
def register_products_screen():
    return product_listing_viewset


@hooks.register("register_admin_viewset")
def register_product_chooser():
    return product_chooser_viewset


@hooks.register("construct_settings_menu")
def call_image_collections_image_folders(request, menu_items):
    """Wagtail's media "Collections" are folders for images and documents; "collection" in this shop
    means a CollectionPage of products, so the menu says "Image folders"."""
    for item in menu_items:
        if item.name == "collections":
            item.label = "Image folders"


@hooks.register("construct_page_action_menu")
def make_publish_the_main_action(menu_items, request, context):
    """Publish is the big button for people allowed to publish (Wagtail puts Save draft there).
    Without the permission there is no Publish item, so Save draft and Submit for moderation stay;
    during a workflow its actions stay first."""
    from wagtail.admin.action_menu import PublishMenuItem, WorkflowMenuItem

    if any(isinstance(item, WorkflowMenuItem) for item in menu_items):
        return
    publish = next((item for item in menu_items if isinstance(item, PublishMenuItem)), None)
    if publish is not None:
        menu_items.remove(publish)
        menu_items.insert(0, publish)
