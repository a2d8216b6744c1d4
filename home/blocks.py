"""The blocks editors compose the home page and content pages from, shoppable ones included."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen.")

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": blocks.BlockValidationError("Choose a page or enter a URL.")}
            )
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

    class Meta:
        icon = "folder-open-inverse"
        template = "home/blocks/featured_collection.html"


class ProductGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    products = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalog.ProductPage"), min_num=1, max_num=24)

    class Meta:
        icon = "grip"
        template = "home/blocks/product_grid.html"


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
