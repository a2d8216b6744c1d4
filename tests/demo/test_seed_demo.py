from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Collection, Page, PageLogEntry, ReferenceIndex, Revision, Site
from wagtail.search.models import IndexEntry

from commerce.catalog.models import (
    Category,
    CollectionPage,
    CollectionProduct,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
)
from commerce.inventory.models import StockLevel, StockLocation
from commerce.shipping.models import ShippingMethod
from commerce.stores.models import Store
from demo.catalogue_data import NORTH, OUTFITTERS
from home.models import ContentPage, HomePage
from tests.demo.conftest import TEST_IMAGE_SIZE
from tests.factories import HomePageFactory

pytestmark = pytest.mark.django_db

COUNTED_MODELS = (
    Page,
    HomePage,
    ProductIndexPage,
    ProductPage,
    ContentPage,
    CollectionPage,
    CollectionProduct,
    ProductVariant,
    ProductImage,
    Image,
    Collection,
    Category,
    Tag,
    Store,
    Site,
    Revision,
    PageLogEntry,
    IndexEntry,
    ReferenceIndex,
    ShippingMethod,
)


def state_of_the_demo() -> dict[str, object]:
    """Counts of everything seeding creates, plus the fields a second run could plausibly touch."""
    return {
        "counts": {model.__name__: model.objects.count() for model in COUNTED_MODELS},
        "pages": list(
            Page.objects.order_by("pk").values_list(
                "pk",
                "path",
                "numchild",
                "url_path",
                "live",
                "latest_revision_id",
                "live_revision_id",
                "last_published_at",
                "draft_title",
            )
        ),
        "variants": list(
            ProductVariant.objects.order_by("pk").values_list(
                "pk", "product_id", "store_id", "sku", "price", "compare_at_price", "is_active"
            )
        ),
        "stock": list(
            StockLevel.objects.order_by("pk").values_list("variant_id", "location_id", "on_hand", "reserved")
        ),
        "locations": list(StockLocation.objects.order_by("pk").values_list("store_id", "name", "priority")),
        "sites": list(Site.objects.order_by("pk").values_list("hostname", "port", "root_page_id", "is_default_site")),
        "stores": list(Store.objects.order_by("pk").values()),
        "images": list(Image.objects.order_by("pk").values_list("pk", "title", "file", "file_hash")),
        "categories": list(Category.objects.order_by("pk").values_list("pk", "slug", "name")),
    }


def shop_of(store: Store) -> ProductIndexPage:
    return ProductIndexPage.objects.child_of(store.site.root_page).get()


def test_seeding_twice_creates_and_changes_nothing_the_second_time(seeded):
    assert "Created:" in seeded
    before = state_of_the_demo()

    output = StringIO()
    call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), stdout=output)

    assert "nothing created or changed" in output.getvalue()
    assert state_of_the_demo() == before
    counts = before["counts"]
    assert counts["Store"] == 2
    assert counts["Site"] == 2
    assert counts["ProductPage"] == 60
    assert counts["CollectionPage"] == 12
    assert counts["Category"] == 7


def test_each_store_answers_on_its_own_hostname(seeded, rf):
    for host, spec in (("localhost", OUTFITTERS), ("north.localhost", NORTH), ("127.0.0.1", OUTFITTERS)):
        site = Site.find_for_request(rf.get("/", HTTP_HOST=host))
        assert site.store.name == spec.name, host
        assert isinstance(site.root_page.specific, HomePage)

    outfitters = Store.objects.get(name=OUTFITTERS.name)
    north = Store.objects.get(name=NORTH.name)
    assert (outfitters.currency, outfitters.default_country, outfitters.site.is_default_site) == ("USD", "US", True)
    assert (outfitters.site.hostname, outfitters.site.port) == ("localhost", 80)
    assert (north.currency, north.default_country, north.prices_include_tax, north.tax_rate) == ("EUR", "DE", True, 19)
    assert (north.site.hostname, north.site.is_default_site) == ("north.localhost", False)


def test_wagtails_welcome_page_and_its_site_are_gone(seeded):
    plain_page = ContentType.objects.get_for_model(Page)
    assert not Page.objects.filter(depth=2, content_type=plain_page).exists()
    assert Site.objects.filter(is_default_site=True).count() == 1
    assert all(isinstance(site.root_page.specific, HomePage) for site in Site.objects.all())


def test_every_product_has_an_active_variant_an_image_and_skus_unique_in_its_store(seeded):
    for spec in (OUTFITTERS, NORTH):
        store = Store.objects.get(name=spec.name)
        products = ProductPage.objects.child_of(shop_of(store)).live()

        assert products.count() == len(spec.products)
        assert not products.exclude(variants__is_active=True).exists()
        assert not products.filter(gallery_images__isnull=True).exists()
        assert not products.filter(categories__isnull=True).exists()
        variants = ProductVariant.objects.filter(product__in=products)
        assert not variants.exclude(store=store).exists()
        duplicated = variants.values("sku").annotate(uses=Count("pk")).filter(uses__gt=1)
        assert list(duplicated) == []
        assert all(1 <= product.variants.count() <= 3 for product in products)

    statuses = {variant.stock_status for variant in ProductVariant.objects.all()}
    assert statuses == {"in_stock", "low", "sold_out"}
    assert any(variant.on_sale for variant in ProductVariant.objects.all())


def test_each_store_ships_to_its_countries_with_a_rate_table(seeded):
    outfitters, north = Store.objects.get(name=OUTFITTERS.name), Store.objects.get(name=NORTH.name)

    assert outfitters.shipping_country_codes == ["US", "CA"]
    assert "DE" in north.shipping_country_codes
    assert set(outfitters.shipping_methods.values_list("code", flat=True)) == {"standard", "express", "canada"}
    assert north.shipping_methods.get(code="standard").free_over == 60


def test_pages_are_published_with_revisions_and_validate(seeded):
    for spec in (OUTFITTERS, NORTH):
        home = Store.objects.get(name=spec.name).site.root_page
        pages = [home, *home.get_descendants()]
        for page in pages:
            page = page.specific
            assert page.live and page.live_revision_id is not None, page.url_path
            page.full_clean()

        collections = CollectionPage.objects.child_of(home)
        assert collections.count() >= 6
        assert collections.get(slug="staff-picks").manual_products.count() == len(spec.staff_picks)
        assert collections.get(slug="on-sale").rule_on_sale
        assert collections.get(slug="under-50").rule_max_price == 50
        assert collections.get(slug=spec.category_collection).rule_categories.count() == 1
        assert ContentPage.objects.child_of(home).get(slug="about").live

        body = HomePage.objects.get(pk=home.pk).body
        HomePage.body.field.stream_block.clean(body)
        assert {"hero", "featured_collection", "product_grid", "image_with_text", "call_to_action"} <= {
            child.block_type for child in body
        }
        menu = Page.objects.child_of(home).live().in_menu().order_by("path")
        assert [page.slug for page in menu] == ["shop", "new-arrivals", "on-sale", "staff-picks", "about"]


def test_published_products_are_in_the_search_index(seeded):
    results = ProductPage.objects.live().search("skillet")

    assert [page.title for page in results] == ["Cast Iron Skillet"]


def test_each_store_home_page_renders(seeded, client):
    outfitters = client.get("/", HTTP_HOST="localhost")
    north = client.get("/", HTTP_HOST="north.localhost")

    assert outfitters.status_code == 200
    assert OUTFITTERS.hero_heading in outfitters.content.decode()
    assert "Three-Layer Rain Shell" in outfitters.content.decode()
    assert north.status_code == 200
    assert NORTH.hero_heading in north.content.decode()


def test_a_site_serving_someone_elses_pages_is_not_taken_over(seeded):
    outfitters_site = Site.objects.get(hostname="localhost", port=80)
    other_home = HomePageFactory(title="Someone else's shop")
    outfitters_site.root_page = other_home
    outfitters_site.save()

    with pytest.raises(CommandError, match="already serves"):
        call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), stdout=StringIO())

    assert Site.objects.get(pk=outfitters_site.pk).root_page_id == other_home.pk


@pytest.mark.inventory
def test_the_main_store_has_two_locations_and_the_stock_audit_passes(seeded):
    from commerce.inventory.models import StockLevel
    from demo.seed import demo_main_store

    main = demo_main_store()
    assert list(main.stock_locations.order_by("-priority").values_list("name", "priority")) == [
        ("Warehouse", 10),
        ("Shop floor", 0),
    ]
    assert StockLevel.objects.filter(location__store=main, location__name="Shop floor", on_hand__gt=0).exists()
    output = StringIO()
    call_command("stock_audit", stdout=output)
    assert "0 mismatches" in output.getvalue()
