"""The storefront search form: the query, the collection filters and the sort, all from GET."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings

from commerce.catalog.models import Category
from commerce.catalog.selectors import ProductFilters

RELEVANCE = "relevance"
SORT_CHOICES = [
    (RELEVANCE, "Best match"),
    ("newest", "Newest"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
]


def bounded_page_number(raw: object) -> int:
    """The requested page as an int in 1..MAGPIE_MAX_PAGE_NUMBER; anything else is page 1."""
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), settings.MAGPIE_MAX_PAGE_NUMBER)


class SearchForm(forms.Form):
    """Bound to ``request.GET``. Invalid filters are reported and ignored; only a query that is too
    long (or otherwise invalid) stops the search."""

    q = forms.CharField(
        label="Search products and pages",
        required=False,
        strip=True,
        max_length=settings.MAGPIE_SEARCH_MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Searches can be up to %(limit_value)d characters long (this one has %(show_value)d). "
            "Try a few key words instead."
        },
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search products and pages"}),
    )
    min_price = forms.DecimalField(
        label="Minimum price",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    max_price = forms.DecimalField(
        label="Maximum price",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    in_stock = forms.BooleanField(label="In stock only", required=False)
    category = forms.SlugField(label="Category", required=False, max_length=80, widget=forms.Select)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_categories(())

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum price must not be below the minimum price.")
        return cleaned

    def set_categories(self, categories: Iterable[Category]) -> None:
        """The categories shoppers can choose from."""
        self.fields["category"].widget.choices = [
            ("", "All categories"),
            *((category.slug, category.name) for category in categories),
        ]

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q", "") if hasattr(self, "cleaned_data") else ""

    @property
    def query_is_valid(self) -> bool:
        return "q" not in self.errors

    @property
    def chosen_sort(self) -> str:
        return (self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else None) or RELEVANCE

    @property
    def filters(self) -> ProductFilters:
        """The valid filters; a field with an error does not filter."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        category = data.get("category") or ""
        return ProductFilters(
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            category_slugs=(category,) if category else (),
        )

    @property
    def has_filters(self) -> bool:
        return not self.filters.is_empty or self.chosen_sort != RELEVANCE
