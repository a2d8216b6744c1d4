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
