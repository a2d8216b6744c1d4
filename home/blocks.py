"""The blocks editors compose the home page and content pages from, shoppable ones included.

Shoppable blocks resolve their product cards in ``get_context``, one batch per block, through
``home.selectors``: a block's query count does not grow with its number of products.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from commerce.catalog.blocks import ProductChooserBlock


class LinkBlock(blocks.StructBlock):
    """A page or an external URL with its text. ``LinkBlock(required=False)`` may be left empty."""

    label = blocks.CharBlock(max_length=60, required=False, help_text="The link's text.")
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen.")

    class Meta:
        icon = "link"
        required = True

    @property
    def required(self) -> bool:
        return bool(self.meta.required)

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation:  # a draft may keep an unfinished link
            return value
        if not self.required and not (value.get("label") or value.get("page") or value.get("url")):
            return value
        errors = {}
        if not value.get("label"):
            errors["label"] = ValidationError("Enter the link's text.")
        if not value.get("page") and not value.get("url"):
            errors["page"] = ValidationError("Choose a page or enter a URL.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    subheading = blocks.TextBlock(required=False, max_length=300)
    image = ImageChooserBlock(required=False)
    call_to_action = LinkBlock(required=False)

    class Meta:
        icon = "image"
        template = "home/blocks/hero.html"


class ImageWithTextBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    heading = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])
    image_position = blocks.ChoiceBlock(choices=[("left", "Left"), ("right", "Right")], default="left")

    class Meta:
        icon = "doc-full-inverse"
        template = "home/blocks/image_with_text.html"


class FeaturedCollectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False, help_text="Defaults to the collection's title.")
    collection = blocks.PageChooserBlock(page_type="catalog.CollectionPage")
    count = blocks.IntegerBlock(default=4, min_value=1, max_value=12)
    show_sold_out = blocks.BooleanBlock(
        required=False, default=False, help_text="Also show sold-out products (skipped unless ticked)."
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "home/blocks/featured_collection.html"

    def get_context(self, value: blocks.StructValue, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from . import selectors  # blocks load with the models; the catalogue's reads load on first render

        context = super().get_context(value, parent_context=parent_context)
        context["featured"] = selectors.featured_collection(
            collection=value.get("collection"),
            count=value.get("count") or 0,
            heading=value.get("heading") or "",
            request=context.get("request"),
            include_sold_out=bool(value.get("show_sold_out")),
        )
        return context


class ProductGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    products = blocks.ListBlock(ProductChooserBlock(), min_num=1, max_num=24)
    show_sold_out = blocks.BooleanBlock(
        required=False, default=False, help_text="Also show sold-out products (skipped unless ticked)."
    )

    class Meta:
        icon = "grip"
        template = "home/blocks/product_grid.html"

    def get_context(self, value: blocks.StructValue, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from . import selectors  # blocks load with the models; the catalogue's reads load on first render

        context = super().get_context(value, parent_context=parent_context)
        context["cards"] = selectors.product_grid_cards(
            products=value.get("products") or [],
            request=context.get("request"),
            include_sold_out=bool(value.get("show_sold_out")),
        )
        return context


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button = LinkBlock()

    class Meta:
        icon = "pick"
        template = "home/blocks/call_to_action.html"


class PageBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    rich_text = blocks.RichTextBlock(template="home/blocks/rich_text.html")
    image_with_text = ImageWithTextBlock()
    featured_collection = FeaturedCollectionBlock()
    product_grid = ProductGridBlock()
    call_to_action = CallToActionBlock()
