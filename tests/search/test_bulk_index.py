"""Products' search entries written set-based are the entries modelsearch writes itself."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.backends.database.postgres.postgres import PostgresIndex
from wagtail.search.models import IndexEntry

from commerce.catalog.models import ProductPage, ProductVariant
from search import bulk_index
from tests.factories import CategoryFactory, ProductPageFactory
from tests.storefront.streamfield import block, stream

pytestmark = pytest.mark.django_db


def entry_rows(products) -> dict[str, tuple]:
    """Each product's entry as text: the tsvectors with positions and weights, the plain texts, the norm."""
    ids = [str(product.pk) for product in products]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id, title::text, body::text, autocomplete::text, title_text, body_text, title_norm "
            "FROM wagtailsearch_indexentry WHERE object_id = ANY(%s) AND content_type_id = %s",
            [ids, IndexEntry._meta.get_field("content_type").related_model.objects.get_for_model(ProductPage).pk],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.fixture
def products(store):
    linen = CategoryFactory(name="Linen goods", slug="linen")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    apron = ProductPageFactory(
        store=store,
        title="Linen apron with pockets",
        summary="  Stonewashed linen, cross-back straps.  ",
        description=stream(
            block("paragraph", "<p>Woven from <b>undyed</b> flax &amp; dried in the sun.</p>"),
            block("quote", "The last apron you will buy."),
        ),
        variants=3,
    )
    ProductVariant.objects.filter(product=apron, sort_order=0).update(sku="AP-010-S")
    ProductVariant.objects.filter(product=apron, sort_order=1).update(sku="AP-010-M")
    apron.categories.add(linen, kitchen)
    apron.tags.add("workwear")  # one tag: modelsearch reads tags in no defined order
    apron.save()
    bare = ProductPageFactory(store=store, title="Mug", summary="", variants=1)
    the_the = ProductPageFactory(store=store, title="The the", summary="a of the", variants=2)
    return [apron, bare, the_the]


def test_bulk_entries_are_the_entries_modelsearch_writes(products):
    backend = get_search_backend()
    objects = list(ProductPage.get_indexed_objects().filter(pk__in=[product.pk for product in products]))
    PostgresIndex.add_items(backend.get_index_for_model(ProductPage), ProductPage, objects)  # modelsearch's own
    theirs = entry_rows(products)
    IndexEntry.objects.filter(object_id__in=theirs).delete()
    assert entry_rows(products) == {}

    written = bulk_index.entries_write(ProductPage, [product.pk for product in products], backend=backend)
    backend.get_index_for_model(ProductPage)._refresh_title_norms()

    ours = entry_rows(products)
    assert written == 3
    assert ours == theirs
    apron = ours[str(products[0].pk)]
    assert "'undi':" in apron[1] and "'ap010m':" in apron[2] and "'workwear':" in apron[1]


def test_update_index_writes_the_same_entries_and_search_finds_them(client, products):
    backend = get_search_backend()
    objects = list(ProductPage.get_indexed_objects().filter(pk__in=[product.pk for product in products]))
    PostgresIndex.add_items(backend.get_index_for_model(ProductPage), ProductPage, objects)
    call_command("update_index", verbosity=0)  # modelsearch's rebuild refreshes every norm: compare after it
    theirs = entry_rows(products)
    IndexEntry.objects.filter(object_id__in=theirs).delete()

    call_command("update_index", verbosity=0)

    assert entry_rows(products) == theirs
    for query in ("undyed", "AP-010-M", "pockets", "workwear"):
        response = client.get("/search/", {"q": query})
        assert "Linen apron with pockets" in response.content.decode(), query


def test_a_search_field_the_bulk_path_cannot_read_is_an_error_not_a_gap(products, monkeypatch):
    monkeypatch.setitem(bulk_index.METHOD_TEXTS, ProductPage, {})  # forget how to compute sku_search_text

    with pytest.raises(ImproperlyConfigured, match="sku_search_text"):
        bulk_index.entries_write(ProductPage, [products[0].pk], backend=get_search_backend())
