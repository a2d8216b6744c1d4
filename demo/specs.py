"""The shapes of the demo data: plain, frozen dataclasses the seeding services read.

The data itself lives in ``catalogue_data.py`` (stores, categories) and ``products_*.py`` (one module
per store), so the services stay short and the catalogue reads like a merchant's spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify


@dataclass(frozen=True)
class Options:
    """A product's option names and the option values of each of its variants (1-3 variants)."""

    names: tuple[str, ...] = ()
    values: tuple[tuple[str, ...], ...] = ((),)
    prices: tuple[Decimal, ...] | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.values) <= 3:
            raise ValueError("A demo product has between one and three variants.")
        if any(len(row) != len(self.names) for row in self.values):
            raise ValueError("Every variant needs one value per option name.")
        if self.prices is not None and len(self.prices) != len(self.values):
            raise ValueError("Give one price per variant, or none.")


SINGLE = Options()


def sizes(*values: str) -> Options:
    return Options(names=("Size",), values=tuple((value,) for value in values))


def colours(*values: str) -> Options:
    return Options(names=("Colour",), values=tuple((value,) for value in values))


def size_colour(*pairs: tuple[str, str]) -> Options:
    return Options(names=("Size", "Colour"), values=tuple(pairs))


def priced(name: str, **prices_by_value: str) -> Options:
    """Variants that differ in price, e.g. ``priced("Size", **{"500 ml": "28", "750 ml": "32"})``."""
    return Options(
        names=(name,),
        values=tuple((value,) for value in prices_by_value),
        prices=tuple(Decimal(price) for price in prices_by_value.values()),
    )


@dataclass(frozen=True)
class ProductSpec:
    title: str
    category: str
    price: Decimal
    summary: str
    detail: str
    material: str
    care: str
    weight_grams: int
    dimensions_mm: tuple[int, int, int]
    options: Options = SINGLE
    tags: tuple[str, ...] = ()
    on_sale: bool = False
    featured: bool = False

    @property
    def slug(self) -> str:
        return slugify(self.title)


def product(
    title: str,
    category: str,
    price: str,
    *,
    summary: str,
    detail: str,
    material: str,
    care: str,
    weight: int,
    dims: tuple[int, int, int],
    options: Options = SINGLE,
    tags: tuple[str, ...] = (),
    sale: bool = False,
    featured: bool = False,
) -> ProductSpec:
    return ProductSpec(
        title=title,
        category=category,
        price=Decimal(price),
        summary=summary,
        detail=detail,
        material=material,
        care=care,
        weight_grams=weight,
        dimensions_mm=dims,
        options=options,
        tags=tags,
        on_sale=sale,
        featured=featured,
    )


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class StoreSpec:
    """One demo store: its site, its money and tax, its catalogue and how its pages sell it."""

    name: str
    home_slug: str
    hostname: str
    is_default_site: bool
    currency: str
    currency_symbol: str
    country: str
    prices_include_tax: bool
    tax_rate: Decimal
    contact_email: str
    tagline: str
    sku_prefix: str
    hero_heading: str
    hero_subheading: str
    story: str
    products: tuple[ProductSpec, ...]
    staff_picks: tuple[str, ...]
    home_grid: tuple[str, ...]
    category_collection: str
    port: int = 80
    palette: tuple[str, str, str] = ("#0b5d57", "#f2c14e", "#f7f3ea")

    def __post_init__(self) -> None:
        slugs = [spec.slug for spec in self.products]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"{self.name}: product slugs must be unique.")
        missing = (set(self.staff_picks) | set(self.home_grid)) - set(slugs)
        if missing:
            raise ValueError(f"{self.name}: picks name unknown products {sorted(missing)}.")
