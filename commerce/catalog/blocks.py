from typing import Any

from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class ProductDescriptionBlock(blocks.StreamBlock):
    """What a product description is made of."""

    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    image = ImageBlock()
    specifications = blocks.ListBlock(
        blocks.StructBlock([("label", blocks.CharBlock(max_length=80)), ("value", blocks.CharBlock(max_length=200))]),
        icon="list-ul",
        template="catalog/blocks/specifications.html",
    )
    quote = blocks.BlockQuoteBlock()
    video = EmbedBlock(max_width=960)


class ProductChooserBlock(blocks.ChooserBlock):
    """A product picked with the product chooser (thumbnails, price, stock, the right store). Stores
    the page id, like ``PageChooserBlock(page_type="catalog.ProductPage")`` did, so values carry over."""

    class Meta:
        icon = "tag"

    @cached_property
    def target_model(self) -> type:
        from .models import ProductPage

        return ProductPage

    @cached_property
    def widget(self) -> Any:
        from .product_chooser import ProductChooserWidget

        return ProductChooserWidget()

    def get_form_state(self, value: Any) -> Any:
        return self.widget.get_value_data(value)
