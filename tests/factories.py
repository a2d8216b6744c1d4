"""factory_boy factories for the catalogue. Pages are added to the tree under their parent."""

from __future__ import annotations

from decimal import Decimal

import factory
from wagtail.models import Page, Site

from commerce.catalog.models import (
    Category,
    CollectionPage,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
)
from commerce.stores.models import Store
from home.models import ContentPage, HomePage


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under ``parent`` (default: the tree root) instead of saving it bare."""

    title = factory.Sequence(lambda n: f"Page {n}")
    live = True

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent: Page | None = None, **kwargs):
        instance = model_class(*args, **kwargs)
        parent = parent or Page.get_first_root_node()
        parent.add_child(instance=instance)
        return instance


class HomePageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Home {n}")
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = HomePage


class ContentPageFactory(PageFactory):
    class Meta:
        model = ContentPage


class ProductIndexPageFactory(PageFactory):
    title = "Shop"
    slug = "shop"

    class Meta:
        model = ProductIndexPage


class CollectionPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Collection {n}")

    class Meta:
        model = CollectionPage


class CategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    class Meta:
        model = Category


class StoreFactory(factory.django.DjangoModelFactory):
    """A store with its own site, home page and shop index."""

    name = factory.Sequence(lambda n: f"Store {n}")
    currency = "USD"
    default_country = "US"
    contact_email = "shop@example.com"

    class Meta:
        model = Store

    @classmethod
    def _create(cls, model_class, *args, hostname: str | None = None, is_default_site: bool = False, **kwargs):
        home = HomePageFactory()
        site = Site.objects.create(
            hostname=hostname or f"{home.slug}.example.com",
            port=80,
            root_page=home,
            site_name=kwargs.get("name", "Store"),
            is_default_site=is_default_site,
        )
        ProductIndexPageFactory(parent=home)
        return model_class.objects.create(site=site, **kwargs)


class ProductPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Product {n}")
    summary = "A well-made thing."

    class Meta:
        model = ProductPage

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        store: Store,
        variants: int = 1,
        price: Decimal | str = "10.00",
        stock: int | None = 10,
        images: int = 0,
        **kwargs,
    ):
        parent = ProductIndexPage.objects.child_of(store.site.root_page).get()
        product = super()._create(model_class, *args, parent=parent, **kwargs)
        for i in range(variants):
            ProductVariantFactory(
                product=product,
                store=store,
                price=Decimal(str(price)) + i,
                **({"stock__none": True} if stock is None else {"stock": stock}),
                option1_value=f"Option {i}" if variants > 1 else "",
                sort_order=i,
            )
        if images:
            from tests.images import make_image

            for i in range(images):
                ProductImage.objects.create(product=product, image=make_image(f"{product.title} {i}"), sort_order=i)
        return product


class ProductVariantFactory(factory.django.DjangoModelFactory):
    """A variant with ``stock`` units (default 10) opened at its store's first location; ``stock__none=True``:
    no stock level at all."""

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("10.00")

    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    @factory.post_generation
    def stock(variant, create, extracted, **kwargs):
        quantity = 10 if extracted is None else extracted
        if create and variant.store_id is not None and not kwargs.get("none"):
            set_stock(variant, quantity)


def set_stock(variant: ProductVariant, on_hand: int, *, location=None) -> None:
    """Give ``variant`` ``on_hand`` units at ``location`` (default: its store's first), as a ledger movement."""
    from commerce.inventory.services import Allocation, StockChange, default_location, stock_change, stock_open

    location = location or default_location(store_id=variant.store_id)
    if not stock_open(entries=[Allocation(variant.pk, location.pk, on_hand)]):
        stock_change(
            changes=[StockChange(variant_id=variant.pk, location_id=location.pk, count=on_hand)],
            kind="count",
            note="test",
        )


def stock_of(variant: ProductVariant) -> tuple[int, int]:
    """(on hand, reserved) summed over every location of the variant."""
    from django.db.models import Sum

    from commerce.inventory.models import StockLevel

    totals = StockLevel.objects.filter(variant=variant).aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    return totals["on_hand"] or 0, totals["reserved"] or 0


def place_order(
    *, store: Store, variant: ProductVariant, customer=None, email: str = "shopper@example.com", quantity: int = 1
):
    """A pending order for ``quantity`` units of ``variant`` at its price, placed through ``order_place``
    (so stock is reserved and the timeline starts) — without the checkout around it."""
    from commerce.core.addresses import PostalAddress
    from commerce.orders.services import NewOrderLine, NewOrderTotals, order_place

    price = store.money(variant.price * quantity)
    zero = store.money(0)
    return order_place(
        store=store,
        checkout_token=None,
        customer=customer,
        email=email,
        shipping_address=PostalAddress(
            full_name="Ada Shopper", line1="1 Main St", city="Springfield", postal_code="12345", country="US"
        ),
        shipping_method_code="standard",
        shipping_method_name="Standard",
        lines=[
            NewOrderLine(
                variant=variant,
                quantity=quantity,
                unit_price=store.money(variant.price),
                subtotal=price,
                discount=zero,
                tax=zero,
                total=price,
            )
        ],
        totals=NewOrderTotals(
            subtotal=price, shipping=zero, discount=zero, tax=zero, total=price, prices_include_tax=False
        ),
    )
