"""``/admin/products/variant-builder/``: the JSON the product editor's variant builder fills the
variants table from. HTTP only (``variant_builder`` has the rules); a bad request is a 400 naming
the field, a page the user may not edit (or outside their stores) a 403."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest, JsonResponse
from django.views import View
from wagtail.models import Page

from commerce.stores.selectors import store_for_page
from commerce.stores.staff_scope import staff_store_ids

from .variant_builder import BuilderError, build_variants


def _error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"field": field, "error": message}, status=status)


class VariantBuilderView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        page_id, parent_id = request.GET.get("page", ""), request.GET.get("parent", "")
        ident = page_id or parent_id
        if not ident.isdigit():
            return _error(400, "page", "Give the product (page) or where it is created (parent).")
        page = Page.objects.filter(pk=int(ident)).first()
        if page is None:
            return _error(404, "page", "No such page.")
        permissions = page.permissions_for_user(request.user)
        if not (permissions.can_edit() if page_id else permissions.can_add_subpage()):
            return _error(403, "page", "You may not edit this product.")
        store = store_for_page(page)
        allowed = staff_store_ids(request.user)
        if allowed is not None and (store is None or store.pk not in allowed):
            return _error(403, "page", "This product is in a store you do not work on.")
        try:
            suggestions = build_variants(
                store=store,
                product=request.GET.get("title", ""),
                option1_text=request.GET.get("option1", ""),
                option2_text=request.GET.get("option2", ""),
                pattern=request.GET.get("pattern", ""),
                exclude_page_id=int(page_id) if page_id else None,
            )
        except BuilderError as exc:
            return _error(400, exc.field, exc.message)
        return JsonResponse({"variants": [asdict(s) for s in suggestions]})
