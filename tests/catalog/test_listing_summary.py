"""The listing summary (``ProductListing``) stays equal to what the listing computed from variants and
stock before it existed, after every kind of change, in the changing transaction — also when two
stock changes on one product's variants commit in parallel."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext

from commerce.catalog.availability import in_stock_q
from commerce.catalog.listing_refresh import listings_rebuild
from commerce.catalog.models import Category, ProductIndexPage, ProductListing, ProductPage, ProductVariant
from commerce.catalog.selectors import store_products
from commerce.inventory.services import StockChange, default_location, stock_allocate, stock_change
from tests.catalog.helpers import add_variant, categorise, tag
from tests.factories import ProductPageFactory, place_order
from tests.threads import run_together

pytestmark = pytest.mark.django_db


def computed(root) -> set[tuple]:
    """Each live product's (id, cheapest price, in stock, on sale) computed from its variants and stock,
    as ``store_products`` did before the summary."""
    active = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    return set(
        ProductPage.objects.live()
        .descendant_of(root)
        .annotate(
            computed_price=Coalesce(
                Subquery(active.filter(in_stock_q()).order_by("price").values("price")[:1]),
                Subquery(active.order_by("price").values("price")[:1]),
            ),
            computed_in_stock=Exists(active.filter(in_stock_q())),
            computed_on_sale=Exists(active.filter(compare_at_price__gt=F("price"))),
        )
        .values_list("pk", "computed_price", "computed_in_stock", "computed_on_sale")
    )


def summarised(root) -> set[tuple]:
    return set(store_products(root=root).values_list("pk", "min_price", "in_stock", "on_sale"))


def assert_summary_matches(store) -> None:
    root = store.site.root_page
    assert summarised(root) == computed(root)
    for listing in ProductListing.objects.filter(product__in=ProductPage.objects.descendant_of(root)):
        product = listing.product
        assert listing.category_ids == sorted(product.categories.values_list("pk", flat=True))
        assert listing.tag_ids == sorted(product.tags.values_list("pk", flat=True))


def row(product) -> ProductListing | None:
    return ProductListing.objects.filter(product_id=product.pk).first()


def latest(product) -> ProductPage:
    return ProductPage.objects.get(pk=product.pk)


def test_the_summary_matches_the_computed_figures_of_the_catalogue(catalogue, store, other_store):
    assert_summary_matches(store)
    assert_summary_matches(other_store)
    assert row(catalogue["Draft"]) is None
    assert row(catalogue["Cardigan"]).on_sale and row(catalogue["Cardigan"]).featured
    assert row(catalogue["Duffel"]).min_price == Decimal("120.00")  # the cheap variant is inactive
    assert row(catalogue["Espadrille"]).min_price == Decimal("35.00")  # the one with stock


def test_publishing_a_new_product_lists_it_and_unpublishing_removes_it(store):
    product = ProductPageFactory(store=store, title="Parka", price="99.00", live=False)
    assert row(product) is None

    latest(product).save_revision().publish()
    assert row(product).min_price == Decimal("99.00")
    assert_summary_matches(store)

    latest(product).unpublish()
    assert row(product) is None
    assert_summary_matches(store)


def test_a_price_change_is_a_publish_and_moves_the_cheapest_price(store):
    product = ProductPageFactory(store=store, variants=2, price="40.00")  # 40 and 41
    page = latest(product)
    variants = list(page.variants.all())
    variants[1].price = Decimal("12.50")
    variants[0].compare_at_price = Decimal("90.00")
    page.variants = variants

    page.save_revision().publish()

    assert (row(product).min_price, row(product).on_sale) == (Decimal("12.50"), True)
    assert_summary_matches(store)


def test_selling_out_and_restocking_flip_in_stock_and_the_price_rule(store):
    product = ProductPageFactory(store=store, price="20.00", stock=2)
    dearer = add_variant(product, sku="DEAR-1", price="30.00", stock=5)
    cheap = product.variants.order_by("price").first()
    location = default_location(store_id=store.pk)

    stock_change(changes=[StockChange(variant_id=cheap.pk, location_id=location.pk, count=0)], kind="count")
    assert (row(product).min_price, row(product).in_stock) == (Decimal("30.00"), True)

    stock_change(changes=[StockChange(variant_id=dearer.pk, location_id=location.pk, count=0)], kind="count")
    assert (row(product).min_price, row(product).in_stock) == (Decimal("20.00"), False)  # all sold out: cheapest
    assert_summary_matches(store)

    stock_change(changes=[StockChange(variant_id=dearer.pk, location_id=location.pk, delta=3)], kind="received")
    assert (row(product).min_price, row(product).in_stock) == (Decimal("30.00"), True)
    assert_summary_matches(store)


def test_a_reservation_of_the_last_units_marks_the_product_sold_out(store):
    product = ProductPageFactory(store=store, price="15.00", stock=2)
    variant = product.variants.get()

    place_order(store=store, variant=variant, quantity=2)

    assert row(product).in_stock is False
    assert_summary_matches(store)


def test_a_category_and_tag_change_published_changes_the_facets_and_filters(store, categories):
    product = ProductPageFactory(store=store, price="10.00")
    categorise(product, categories["knitwear"])
    tag(product, "Wool")
    assert row(product).category_ids == [categories["knitwear"].pk]

    page = latest(product)
    page.categories = [categories["outerwear"], categories["accessories"]]
    page.save_revision().publish()

    assert row(product).category_ids == sorted([categories["outerwear"].pk, categories["accessories"].pk])
    assert_summary_matches(store)
    Category.objects.filter(pk=categories["accessories"].pk).delete()
    assert row(product).category_ids == [categories["outerwear"].pk]


def test_a_moved_product_is_listed_by_its_new_store_and_a_deleted_one_by_none(store, other_store):
    product = ProductPageFactory(store=store, price="10.00")
    other_shop = ProductIndexPage.objects.child_of(other_store.site.root_page).get()

    latest(product).move(other_shop, pos="last-child")

    assert product.pk not in {pk for pk, *_ in summarised(store.site.root_page)}
    assert product.pk in {pk for pk, *_ in summarised(other_store.site.root_page)}

    unstocked = ProductPageFactory(store=store, price="10.00", stock=None)  # no stock history: deletable
    assert row(unstocked) is not None
    latest(unstocked).delete()
    assert row(unstocked) is None


def test_a_rolled_back_change_leaves_the_summary_as_it_was(store):
    product = ProductPageFactory(store=store, price="10.00")
    with pytest.raises(RuntimeError), transaction.atomic():
        ProductVariant.objects.filter(product=product).update(price=Decimal("1.00"))
        assert row(product).min_price == Decimal("1.00")  # the same transaction sees it at once
        raise RuntimeError("roll back")
    assert row(product).min_price == Decimal("10.00")


def test_rebuilding_repairs_a_summary_changed_behind_its_back(catalogue, store):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_productlisting SET min_price = 0, in_stock = NOT in_stock")

    assert listings_rebuild(batch_size=2) == ProductPage.objects.count()
    assert_summary_matches(store)


def test_the_rebuild_command_repairs_the_summary_and_says_how_many_rows_it_corrected(catalogue, store):
    products, listed = ProductPage.objects.count(), ProductListing.objects.count()  # a draft is not listed
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_productlisting SET min_price = 0")
    out = io.StringIO()

    call_command("rebuild_listings", "--batch-size", "2", stdout=out)

    assert_summary_matches(store)
    assert f"rebuild_listings: {products:,} products" in out.getvalue()
    assert f"{listed:,} listed, {listed:,} rows corrected" in out.getvalue()


def superuser_connection() -> psycopg.Connection:
    """The embedded server's superuser on the test database (trust on its socket): only a superuser
    may ``LOAD 'auto_explain'``, which shows the plans of the statements inside a function."""
    db = connection.settings_dict
    try:
        return psycopg.connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"], autocommit=True)
    except psycopg.OperationalError as error:  # a managed database (DATABASE_URL) has no such role
        pytest.skip(f"no superuser on the test database's server: {error}")


def refresh_plans(conn: psycopg.Connection, product_ids: list[int]) -> str:
    """The plans of the statements ``catalog_listing_refresh`` runs for ``product_ids`` (auto_explain,
    sent to this client as LOG messages), planned from statistics ANALYZE just took of small tables."""
    plans: list[str] = []

    def keep(diagnostic: psycopg.errors.Diagnostic) -> None:
        plans.append(diagnostic.message_primary or "")

    conn.execute("LOAD 'auto_explain'")
    for setting in ("auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on"):
        conn.execute(f"SET LOCAL {setting}")
    conn.execute("ANALYZE catalog_productvariant, inventory_stocklevel, wagtailcore_page, catalog_productlisting")
    conn.add_notice_handler(keep)
    conn.execute("SET LOCAL client_min_messages = log")
    try:
        conn.execute("SELECT catalog_listing_refresh(%s::bigint[])", [product_ids])
    finally:
        conn.execute("SET LOCAL client_min_messages = notice")
        conn.remove_notice_handler(keep)
    return "\n".join(plan for plan in plans if "catalog_productlisting" in plan)


@pytest.mark.django_db(transaction=True)
def test_the_refresh_plans_with_indexes_whatever_the_statistics_say(store):
    """A bulk insert refreshes at the end of its statement, before any ANALYZE: planned from statistics
    that still described small tables, each product's lookup was a scan of the whole table (a
    100,000-product seed ran for hours). The function carries its own planner setting: here the
    tables are small and freshly analysed, which is what those statistics said, and the refresh's
    own plans (auto_explain) still read the variants, stock levels and pages by index; without
    the setting the same call plans sequential scans (the second half shows the test can fail).
    Committed rows (a transactional test): the superuser's session is another connection."""
    products = [ProductPageFactory(store=store, variants=2, stock=3) for _ in range(3)]
    ids = [product.pk for product in products]
    scanned = ("catalog_productvariant", "inventory_stocklevel", "wagtailcore_page")

    with superuser_connection() as conn, conn.transaction(force_rollback=True):
        plans = refresh_plans(conn, ids)
        assert "Index" in plans
        assert not [table for table in scanned if f"Seq Scan on {table}" in plans], plans

        conn.execute("ALTER FUNCTION catalog_listing_refresh(bigint[]) RESET enable_seqscan")  # rolled back
        without_setting = refresh_plans(conn, ids)
        assert [table for table in scanned if f"Seq Scan on {table}" in without_setting], without_setting


@pytest.mark.django_db(transaction=True)
def test_two_stock_changes_on_one_products_variants_committing_in_parallel_leave_it_sold_out(store):
    """Each reserves the last unit of a different variant. Computed from each transaction's own
    snapshot, both would see the other variant still in stock and leave ``in_stock`` true."""
    product = ProductPageFactory(store=store, variants=2, price="10.00", stock=1)
    first, second = product.variants.order_by("pk")

    def reserve_then_wait():
        stock_allocate(store_id=store.pk, wanted={first.pk: 1})
        time.sleep(0.5)  # the other reservation runs while this one is not committed yet

    def reserve():
        time.sleep(0.1)
        stock_allocate(store_id=store.pk, wanted={second.pk: 1})

    results = run_together([reserve_then_wait, reserve], atomic=True)

    assert results == [None, None]
    assert row(product).in_stock is False
    assert_summary_matches(store)


LISTING_VARIANTS = [
    {},
    {"sort": "newest"},
    {"sort": "price_asc", "in_stock": "on"},
    {"sort": "price_desc", "min_price": "12", "max_price": "400"},
    {"sort": "featured", "category": "knitwear", "tag": "wool"},
    {"sort": "price_asc", "page": "2"},
]


@pytest.mark.benchmark
@pytest.mark.parametrize("params", LISTING_VARIANTS, ids=lambda params: "-".join(params.values()) or "plain")
def test_listing_queries_do_not_grow_with_the_catalogue_for_each_sort_and_filter(
    client, store, shop_index, categories, params
):
    """The same page (three products a page) of a store of 8 and of 24 products costs the same queries."""
    ProductIndexPage.objects.filter(pk=shop_index.pk).update(products_per_page=3)
    url = shop_index.url
    counts = []
    for size in (8, 24):
        for number in range(ProductPage.objects.descendant_of(shop_index).count(), size):
            product = ProductPageFactory(store=store, price=f"{10 + number}.00")
            categorise(product, categories["knitwear"])
            tag(product, "Wool")
        client.get(url, params)  # warm: routing, renditions, facets
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200 and len(response.context["cards"]) == 3
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
