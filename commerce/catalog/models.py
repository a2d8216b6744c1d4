"""The catalogue as Wagtail pages: products with variants and images, collections, categories.

These are declarations. Reads live in ``selectors.py``, SKU/store checks in ``forms.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Deferrable, Q
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from commerce.core.page_routing import CachedViewRestrictionsMixin
from commerce.stores.models import Store

from .blocks import ProductDescriptionBlock
from .forms import ProductPageForm
from .panels import ProductChooserPanel, StockPanel, VariantBuilderPanel


class Category(index.Indexed, models.Model):
    """A merchandising category (snippet) that products belong to and collections filter by."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ProductTag(TaggedItemBase):
    content_object = ParentalKey("catalog.ProductPage", on_delete=models.CASCADE, related_name="tagged_items")


class ProductIndexPage(CachedViewRestrictionsMixin, Page):
    """The shop: every product of the store lives below it and it lists them all with filters."""

    intro = models.TextField(blank=True)
    products_per_page = models.PositiveSmallIntegerField(default=24, validators=[MinValueValidator(1)])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("products_per_page")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalog.ProductPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from .listing import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request, page=self))
        return context


def sku_search_text_for(skus: Iterable[str]) -> str:
    """Each SKU as typed, split at its punctuation and run together ("MO-010-M MO 010 M MO010M"):
    PostgreSQL's parser reads "MO-010-M" as "mo", "-010", "m", so a SKU with digits needs all three.
    Shared by ``ProductPage.sku_search_text`` and the bulk indexer (``search.bulk_index``)."""
    terms: list[str] = []
    for sku in skus:
        parts = [part for part in re.split(r"[^0-9A-Za-z]+", sku) if part]
        terms += [sku, *parts, "".join(parts)]
    return " ".join(dict.fromkeys(terms))


class ProductPage(CachedViewRestrictionsMixin, Page):
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown on product cards.")
    description = StreamField(ProductDescriptionBlock(), blank=True, use_json_field=True)
    categories = ParentalManyToManyField(Category, blank=True, related_name="products")
    tags = ClusterTaggableManager(through=ProductTag, blank=True)
    option1_name = models.CharField(
        "Option 1 name", max_length=40, blank=True, help_text='e.g. "Size". Leave blank for one variant.'
    )
    option2_name = models.CharField("Option 2 name", max_length=40, blank=True, help_text='e.g. "Colour".')
    featured = models.BooleanField(default=False, help_text="Listed first under the Featured sort.")
    is_gift_card = models.BooleanField(
        "Gift card product",
        default=False,
        help_text="Buying a variant issues a gift card worth its price, emailed to the buyer after payment.",
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shared on social networks; the first gallery image when empty.",
    )

    base_form_class = ProductPageForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        InlinePanel("gallery_images", label="Gallery images", heading="Gallery"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("option1_name"), FieldPanel("option2_name")]),
                VariantBuilderPanel(heading="Variant builder"),
            ],
            heading="Options",
        ),
        InlinePanel("variants", label="Variant", heading="Variants", min_num=1),
        StockPanel(heading="Stock"),
        MultiFieldPanel(
            [
                FieldPanel("collections"),
                FieldPanel("categories"),
                FieldPanel("tags"),
                FieldPanel("featured"),
                FieldPanel("is_gift_card"),
            ],
            heading="Merchandising",
        ),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.RelatedFields("variants", [index.SearchField("sku"), index.FilterField("is_active")]),
        index.SearchField("sku_search_text", boost=3),
        index.AutocompleteField("sku_search_text"),
        index.RelatedFields("categories", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("featured"),
    ]

    parent_page_types = ["catalog.ProductIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        indexes = [models.Index(fields=["featured"])]

    @classmethod
    def get_indexed_objects(cls) -> models.QuerySet:
        """What ``update_index`` reads, with the categories prefetched: modelsearch prefetches every
        RelatedFields relation except a ParentalManyToManyField, which cost five queries per product
        (one per index column) — most of the time of indexing 100,000 products."""
        return super().get_indexed_objects().prefetch_related("categories")

    def sku_search_text(self) -> str:
        """The variants' SKUs as search text (``sku_search_text_for``)."""
        return sku_search_text_for(variant.sku for variant in self.variants.all())

    def get_context(self, request, *args, **kwargs):
        from .selectors import product_detail
        from .variant_picker import option_pickers, variant_data

        context = super().get_context(request, *args, **kwargs)
        product = context["product"] = product_detail(page=self, request=request)
        names = (self.option1_name, self.option2_name)
        context["option_pickers"] = option_pickers(names=names, variants=product.variants, selected=product.selected)
        context["variant_data"] = variant_data(product.variants)
        return context

    def get_lock(self):
        """A scheduled change (a price going down on Friday) leaves the live product editable: Wagtail
        locks a page with an approved schedule for everyone. User and workflow locks still apply.
        Saving a draft keeps the schedule; publishing now replaces it (Wagtail's rule: one version
        goes live next); the Unschedule button cancels it."""
        from wagtail.locks import ScheduledForPublishLock
        from wagtail.models import DraftStateMixin

        lock = super().get_lock()
        if isinstance(lock, ScheduledForPublishLock):
            return super(DraftStateMixin, self).get_lock()
        return lock

    @property
    def has_options(self) -> bool:
        return bool(self.option1_name or self.option2_name)

    def copy(self, *args, process_child_object=None, **kwargs):
        """A copy whose variants get SKUs of their own (``variants.copied_variant_sku``) and no stock."""
        from .variants import give_copied_variants_new_skus

        def process(original, copy, child_relation, child_object):
            give_copied_variants_new_skus(original, copy, child_relation, child_object)
            if process_child_object is not None:
                process_child_object(original, copy, child_relation, child_object)

        return super().copy(*args, process_child_object=process, **kwargs)

    def with_content_json(self, content):
        """A revision as a page, keeping every variant that has history (see ``variants.keep_sold_variants``)."""
        from .variants import keep_variants_with_history

        page = super().with_content_json(content)
        keep_variants_with_history(page)
        return page


class ProductImage(Orderable):
    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(max_length=250, blank=True, help_text="Describes the image; defaults to its title.")

    panels = [FieldPanel("image"), FieldPanel("alt_text")]

    @property
    def alt(self) -> str:
        return self.alt_text or self.image.title


STORE_DEFAULT = "Empty: the store's default."


class ProductVariant(Orderable):
    """A buyable thing: one SKU with its own price and options. Its stock lives in ``commerce.inventory``
    (levels per location and a movement ledger), never in the page revision."""

    product = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, related_name="variants", null=True, editable=False
    )
    sku = models.CharField("SKU", max_length=64)
    option1_value = models.CharField("Option 1 value", max_length=60, blank=True, help_text='e.g. "M"')
    option2_value = models.CharField("Option 2 value", max_length=60, blank=True, help_text='e.g. "Black"')
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    compare_at_price = models.DecimalField(
        "Compare-at price",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The former price, shown struck through when higher than the price.",
    )
    low_stock_threshold = models.PositiveIntegerField(
        "Low stock alert at", default=5, help_text="Managers are emailed when available stock falls to this or below."
    )
    weight_grams = models.PositiveIntegerField(
        "Weight (g)", null=True, blank=True, help_text="Empty: the store's default weight."
    )
    length_mm = models.PositiveIntegerField("Length (mm)", null=True, blank=True, help_text=STORE_DEFAULT)
    width_mm = models.PositiveIntegerField("Width (mm)", null=True, blank=True, help_text=STORE_DEFAULT)
    height_mm = models.PositiveIntegerField("Height (mm)", null=True, blank=True, help_text=STORE_DEFAULT)
    is_active = models.BooleanField("active", default=True)

    panels = [  # one compact row a marketer edits; shipping details and the alert folded below it
        FieldRowPanel(
            [
                FieldPanel("option1_value"),
                FieldPanel("option2_value"),
                FieldPanel("sku"),
                FieldPanel("price"),
                FieldPanel("compare_at_price"),
                FieldPanel("is_active"),
            ]
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("weight_grams"),
                        FieldPanel("length_mm"),
                        FieldPanel("width_mm"),
                        FieldPanel("height_mm"),
                        FieldPanel("low_stock_threshold"),
                    ]
                )
            ],
            heading="Shipping and stock alert",
            classname="collapsed",
        ),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["store", "sku"], name="variant_sku_unique_per_store", deferrable=Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gte=0),
                name="variant_compare_at_price_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["sku"]), models.Index(fields=["product", "is_active", "price"])]

    def __str__(self) -> str:
        label = " / ".join(v for v in (self.option1_value, self.option2_value) if v)
        return f"{self.sku} ({label})" if label else self.sku

    def clean(self) -> None:
        errors = {}
        if self.price is not None and self.price < 0:
            errors["price"] = "The price cannot be negative."
        if self.compare_at_price is not None and self.price is not None and self.compare_at_price <= self.price:
            errors["compare_at_price"] = "The compare-at price must be higher than the price, or empty."
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        return " / ".join(v for v in (self.option1_value, self.option2_value) if v) or self.sku

    def shipping_weight_grams(self, store: Store) -> int:
        """The weight to ship: the variant's own, else ``store``'s default."""
        return self.weight_grams if self.weight_grams is not None else store.default_weight_grams

    def parcel_mm(self, store: Store) -> tuple[int, int, int]:
        """Length, width and height to ship, each the variant's own or else ``store``'s default."""
        own = (self.length_mm, self.width_mm, self.height_mm)
        defaults = (store.default_length_mm, store.default_width_mm, store.default_height_mm)
        return tuple(value if value is not None else default for value, default in zip(own, defaults, strict=True))

    @property
    def available_quantity(self) -> int:
        """What can still be sold over the store's active locations: on hand less what unpaid orders hold.

        Read from the ``stock_available`` annotation (``availability.with_available_stock``) that
        selectors add; a variant loaded without it costs one query.
        """
        annotated = getattr(self, "stock_available", None)
        if annotated is None:
            if self.pk is None:
                return 0
            from .availability import available_stock

            annotated = available_stock([self.pk]).get(self.pk, 0)
        return max(annotated, 0)

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def stock_status(self) -> str:
        """'in_stock', 'low' or 'sold_out', for the storefront badge."""
        available = self.available_quantity
        if not self.is_active or available <= 0:
            return "sold_out"
        if available <= self.low_stock_threshold:
            return "low"
        return "in_stock"


class CollectionPage(CachedViewRestrictionsMixin, Page):
    """A curated list of products: hand-picked, matched by rules, or both."""

    SORT_CHOICES = [
        ("featured", "Featured"),
        ("newest", "Newest"),
        ("price_asc", "Price: low to high"),
        ("price_desc", "Price: high to low"),
    ]

    intro = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_categories = ParentalManyToManyField(Category, blank=True, related_name="+", verbose_name="categories")
    rule_tag = models.CharField("tag", max_length=100, blank=True)
    rule_min_price = models.DecimalField(
        "minimum price", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    rule_max_price = models.DecimalField(
        "maximum price", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    rule_on_sale = models.BooleanField("only products on sale", default=False)
    rule_in_stock = models.BooleanField("only products in stock", default=False)
    default_sort = models.CharField(max_length=20, choices=SORT_CHOICES, default="featured")
    products_per_page = models.PositiveSmallIntegerField(default=24, validators=[MinValueValidator(1)])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        InlinePanel("manual_products", label="Product", heading="Hand-picked products"),
        MultiFieldPanel(
            [
                FieldPanel("rule_categories"),
                FieldPanel("rule_tag"),
                FieldRowPanel([FieldPanel("rule_min_price"), FieldPanel("rule_max_price")]),
                FieldRowPanel([FieldPanel("rule_on_sale"), FieldPanel("rule_in_stock")]),
            ],
            heading="Rules",
            help_text="Products matching every rule are listed with the hand-picked ones. No rules and no "
            "hand-picked products lists the whole store.",
        ),
        FieldRowPanel([FieldPanel("default_sort"), FieldPanel("products_per_page")]),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage", "catalog.CollectionPage"]
    subpage_types = ["catalog.CollectionPage"]

    def clean(self) -> None:
        super().clean()
        if (
            self.rule_min_price is not None
            and self.rule_max_price is not None
            and self.rule_min_price > self.rule_max_price
        ):
            raise ValidationError({"rule_max_price": "The maximum price must not be below the minimum price."})

    def get_context(self, request, *args, **kwargs):
        from .listing import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request, page=self))
        return context

    @property
    def has_rules(self) -> bool:
        return bool(
            self.rule_tag
            or self.rule_min_price is not None
            or self.rule_max_price is not None
            or self.rule_on_sale
            or self.rule_in_stock
            or self.rule_categories.exists()
        )


class CollectionProduct(Orderable):
    collection = ParentalKey(CollectionPage, on_delete=models.CASCADE, related_name="manual_products")
    product = models.ForeignKey(ProductPage, on_delete=models.CASCADE, related_name="+")

    panels = [ProductChooserPanel("product")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["collection", "product"], name="collection_product_unique")]


from .listing_models import ListingColumns, ListingFacetCount, ProductListing  # noqa: E402, F401  (registers the models)
