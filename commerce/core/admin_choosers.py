"""Snippet choosers that only staff allowed to work with a model may open.

Wagtail's generic chooser views check no permission: any admin user can open any snippet's
chooser and read its list (staff names, say). ``PermissionCheckedChooserViewSet`` refuses (403)
anyone without at least one of the model's add/change/delete/view permissions; its view classes
are the hook where ``commerce.stores.admin_scope`` also narrows the list to the user's stores.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import SnippetChooserViewSet

ANY_ACTION = ("add", "change", "delete", "view")
CHOOSER_VIEWS = (
    "choose_view_class",
    "choose_results_view_class",
    "chosen_view_class",
    "chosen_multiple_view_class",
    "create_view_class",
)


def may_choose(user: Any, model: type) -> bool:
    return policy_registry.get_by_type(model).user_has_any_permission(user, ANY_ACTION)


class PermissionCheckedChooserMixin:
    check_permission = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.check_permission and not may_choose(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def chooser_viewset_with(mixin: type, base: type = SnippetChooserViewSet, **attrs: Any) -> type:
    """``base`` with ``mixin`` mixed into each of its views (and ``attrs`` set on each)."""
    views = {}
    for attribute in CHOOSER_VIEWS:
        view = getattr(base, attribute)
        views[attribute] = type(f"{mixin.__name__}{view.__name__}", (mixin, view), attrs)
    return type(f"{mixin.__name__}ChooserViewSet", (base,), views)


PermissionCheckedChooserViewSet = chooser_viewset_with(PermissionCheckedChooserMixin)
