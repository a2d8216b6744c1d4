"""POST data for the Wagtail page editor, built with ``wagtail.test.utils.form_data``."""

from __future__ import annotations

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from commerce.catalog.models import CollectionProduct, ProductPage, ProductVariant


def variant_data(variant: ProductVariant | None = None, **fields: str) -> dict[str, str]:
    """One variant form: an existing variant's current values (or a new one's defaults) with ``fields`` changed."""
    values = {
        "id": "",
        "sku": "",
        "option1_value": "",
        "option2_value": "",
        "price": "10.00",
        "compare_at_price": "",
        "low_stock_threshold": "5",
        "weight_grams": "0",
        "length_mm": "0",
        "width_mm": "0",
        "height_mm": "0",
        "is_active": "on",
    }
    if variant is not None:
        values.update(
            id=str(variant.pk),
            sku=variant.sku,
            option1_value=variant.option1_value,
            option2_value=variant.option2_value,
            price=str(variant.price),
            compare_at_price="" if variant.compare_at_price is None else str(variant.compare_at_price),
            low_stock_threshold=str(variant.low_stock_threshold),
            is_active="on" if variant.is_active else "",
        )
    values.update(fields)
    if not values["is_active"]:
        del values["is_active"]
    return values


def product_edit_data(product: ProductPage, *, variants: list[dict[str, str]], **fields: object) -> dict[str, object]:
    """The product editor's form, publishing: current images kept, ``variants`` as the variant forms."""
    images = [
        {"id": str(item.pk), "image": str(item.image_id), "alt_text": item.alt_text}
        for item in product.gallery_images.order_by("sort_order")
    ]
    existing = sum(1 for v in variants if v.get("id"))
    values: dict[str, object] = {
        "title": product.title,
        "slug": product.slug,
        "summary": product.summary,
        "gallery_images": inline_formset(images, initial=len(images)),
        "description": streamfield([]),
        "option1_name": product.option1_name,
        "option2_name": product.option2_name,
        "variants": inline_formset(variants, initial=existing, min=1),
        "tags": "",
        "collections": [
            str(pk) for pk in CollectionProduct.objects.filter(product=product).values_list("collection_id", flat=True)
        ],
        "seo_title": "",
        "search_description": "",
        "social_image": "",
        "go_live_at": "",
        "expire_at": "",
        "action-publish": "action-publish",
    }
    values.update(fields)
    collections = values.pop("collections")
    return {**nested_form_data(values), "collections": collections}  # a list: several values of one field
