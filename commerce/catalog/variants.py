"""Variants a publish must not delete, and variants of a copied page.

A revision restores a page's variants as they were when it was saved: modelcluster deletes the
rows missing from it. A variant that was sold, reserved or had stock movements must keep its
history, so when a revision (draft, scheduled, reverted) lacks it, it comes back archived
(inactive) instead of being deleted. Its stock, held in ``commerce.inventory``, is untouched.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from wagtail.models import Page

from .models import ProductPage, ProductVariant

# Rows of higher floors pointing at a variant, named by their relation: the catalogue does not import them.
HISTORY_RELATIONS = ("stock_levels", "reservations", "order_lines")


def _has_history() -> Q:
    history = Q()
    for relation in HISTORY_RELATIONS:
        field = ProductVariant._meta.get_field(relation)
        related = field.related_model._default_manager.filter(**{field.field.name: OuterRef("pk")})
        history |= Exists(related)
    return history


def variants_with_history(*, product_id: int) -> list[ProductVariant]:
    return list(ProductVariant.objects.filter(_has_history(), product_id=product_id))


def page_tree_has_stock_history(page: Page) -> bool:
    """Whether deleting ``page`` (and the pages below it) would delete variants that were sold,
    reserved or stocked: their history must stay, so such pages are unpublished, not deleted."""
    products = Page.objects.descendant_of(page, inclusive=True).type(ProductPage).values("pk")
    return ProductVariant.objects.filter(_has_history(), product_id__in=products).exists()


def keep_variants_with_history(page: ProductPage) -> None:
    """Add back, inactive, the saved variants with history that ``page`` (built from a revision) lacks."""
    if not page.pk:
        return
    present = {variant.pk for variant in page.variants.all() if variant.pk}
    missing = [v for v in variants_with_history(product_id=page.pk) if v.pk not in present]
    for variant in missing:
        variant.is_active = False
    if missing:
        page.variants.add(*missing)


def copied_variant_sku(*, store_id: int | None, sku: str) -> str:
    """``SKU-COPY`` (then ``SKU-COPY-2``, …): SKUs are unique per store, so a copy cannot keep the original's."""
    taken = set(ProductVariant.objects.filter(store_id=store_id, sku__startswith=sku).values_list("sku", flat=True))
    candidate, n = f"{sku}-COPY", 1
    while candidate in taken:
        n += 1
        candidate = f"{sku}-COPY-{n}"
    return candidate[: ProductVariant._meta.get_field("sku").max_length]


def give_copied_variants_new_skus(original, copy, child_relation, child_object) -> None:
    """``process_child_object`` for ``Page.copy``: a copied variant gets a new SKU (its stock stays behind,
    in inventory, with the original)."""
    if isinstance(child_object, ProductVariant):
        child_object.sku = copied_variant_sku(store_id=child_object.store_id, sku=child_object.sku)
