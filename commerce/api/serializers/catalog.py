"""Read shapes for products, collections and search (built from the catalog selectors' dataclasses)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.images.models import Image

from commerce.catalog.selectors import SORT_KEYS
from commerce.stores.selectors import site_absolute_url

# Renditions an API client gets for every image (Wagtail filter specs).
RENDITIONS = {"thumbnail": "fill-160x160", "card": "fill-600x600", "large": "width-1200"}
STOCK_STATUSES = ("in_stock", "low", "sold_out")
SEARCH_SORTS = ("relevance", "newest", "price_asc", "price_desc")


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField(min_length=3, max_length=3)


class RenditionsSerializer(serializers.Serializer):
    thumbnail = serializers.URLField()
    card = serializers.URLField()
    large = serializers.URLField()


class ImageSerializer(serializers.Serializer):
    alt = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = RenditionsSerializer()


def image_data(image: Image | None, *, alt: str, request: Any) -> dict[str, Any] | None:
    if image is None:
        return None
    return {
        "alt": alt,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: site_absolute_url(image.get_rendition(spec).url, request) for name, spec in RENDITIONS.items()
        },
    }


class ProductCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="page_id")
    title = serializers.CharField()
    url = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    price = MoneySerializer(allow_null=True)
    compare_at_price = MoneySerializer(allow_null=True)
    on_sale = serializers.BooleanField()
    has_price_range = serializers.BooleanField()
    stock_status = serializers.ChoiceField(choices=STOCK_STATUSES)
    image = serializers.SerializerMethodField()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, card: Any) -> dict[str, Any] | None:
        return image_data(card.image, alt=card.image_alt, request=self.context.get("request"))


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    label = serializers.CharField(allow_blank=True)
    option1 = serializers.CharField(allow_blank=True)
    option2 = serializers.CharField(allow_blank=True)
    price = MoneySerializer()
    compare_at_price = MoneySerializer(allow_null=True)
    on_sale = serializers.BooleanField()
    stock_status = serializers.ChoiceField(choices=STOCK_STATUSES)
    available_quantity = serializers.IntegerField()


class NamedSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="page.pk")
    title = serializers.CharField(source="page.title")
    url = serializers.CharField()
    summary = serializers.CharField(source="page.summary", allow_blank=True)
    currency = serializers.CharField()
    price = MoneySerializer(allow_null=True)
    compare_at_price = MoneySerializer(allow_null=True)
    has_price_range = serializers.BooleanField()
    stock_status = serializers.ChoiceField(choices=STOCK_STATUSES)
    variants = VariantSerializer(many=True)
    images = serializers.SerializerMethodField()
    categories = NamedSerializer(many=True)
    tags = NamedSerializer(many=True)

    @extend_schema_field(ImageSerializer(many=True))
    def get_images(self, detail: Any) -> list[dict[str, Any] | None]:
        request = self.context.get("request")
        return [image_data(item.image, alt=item.alt, request=request) for item in detail.images]


class CollectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, page: Any) -> str:
        return page.get_url(self.context.get("request")) or ""


class ProductQuerySerializer(serializers.Serializer):
    """The storefront's filters and sorts as query parameters. Unlike the HTML listing, which
    ignores a bad value and says so above the results, the API answers 400 naming the parameter."""

    min_price = serializers.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    max_price = serializers.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    in_stock = serializers.BooleanField(required=False, default=False)
    on_sale = serializers.BooleanField(required=False, default=False)
    category = serializers.ListField(
        child=serializers.SlugField(max_length=255), required=False, default=list, max_length=20
    )
    tag = serializers.SlugField(required=False, allow_blank=True, default="", max_length=100)
    sort = serializers.ChoiceField(choices=sorted(SORT_KEYS), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": "Must not be below min_price."})
        return attrs


class SearchQuerySerializer(ProductQuerySerializer):
    q = serializers.CharField(max_length=200, allow_blank=True, default="", trim_whitespace=True)
    sort = serializers.ChoiceField(choices=SEARCH_SORTS, required=False, default="relevance")
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=1000)


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = ProductCardSerializer(many=True)
