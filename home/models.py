from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from commerce.core.page_routing import CachedViewRestrictionsMixin

from .blocks import PageBodyBlock


class HomePage(CachedViewRestrictionsMixin, Page):
    """A store's front page and the root of its page tree."""

    body = StreamField(PageBodyBlock(), blank=True, use_json_field=True)
    social_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [FieldPanel("body")]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.ContentPage", "catalog.ProductIndexPage", "catalog.CollectionPage"]


class ContentPage(CachedViewRestrictionsMixin, Page):
    """An editorial page (about, guides, lookbooks) built from the same blocks, shoppable ones included."""

    intro = models.TextField(blank=True)
    body = StreamField(PageBodyBlock(), blank=True, use_json_field=True)
    social_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    show_in_footer = models.BooleanField(
        default=False,
        help_text="Link to this page from every page's footer (shipping, returns and privacy policies, contact).",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    promote_panels = Page.promote_panels + [FieldPanel("show_in_footer"), FieldPanel("social_image")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]
