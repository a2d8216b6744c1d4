"""CSV import: validated whole, applied all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commerce.inventory.csv_import import stock_import_csv
from commerce.inventory.models import StockLevel, StockMovement
from tests.factories import ProductPageFactory, set_stock, stock_of

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


@pytest.fixture
def lamp(store, warehouse, shop_floor):
    variant = ProductPageFactory(store=store, title="Lamp", stock=None).variants.get()
    variant.sku = "LAMP-1"
    variant.save()
    set_stock(variant, 5, location=warehouse)
    return variant


@pytest.fixture
def chair(store, warehouse):
    variant = ProductPageFactory(store=store, title="Chair", stock=None).variants.get()
    variant.sku = "CHAIR-1"
    variant.save()
    set_stock(variant, 1, location=warehouse)
    return variant


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("stock.csv", text.encode(), content_type="text/csv")


def movements() -> int:
    return StockMovement.objects.count()


def test_one_bad_row_changes_nothing_and_is_named(lamp, chair):
    before = movements()
    text = "sku,location,delta\nLAMP-1,Warehouse,3\nNOPE-9,Warehouse,2\nCHAIR-1,Attic,1\nCHAIR-1,Warehouse,abc\n"

    result = stock_import_csv(upload=upload(text), store_ids=None)

    assert not result.ok
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "unknown SKU 'NOPE-9'"),
        (4, "unknown location 'Attic' in Store 1".replace("Store 1", chair.store.name)),
        (5, "delta 'abc' is not a whole number other than 0"),
    ]
    assert movements() == before
    assert (stock_of(lamp), stock_of(chair)) == ((5, 0), (1, 0))


def test_a_row_that_would_go_below_zero_refuses_the_whole_file(lamp, chair):
    before = movements()

    result = stock_import_csv(
        upload=upload("sku,location,delta\nLAMP-1,Warehouse,3\nCHAIR-1,Warehouse,-2\n"), store_ids=None
    )

    assert not result.ok and "CHAIR-1" in result.errors[0].message
    assert movements() == before
    assert stock_of(lamp) == (5, 0)


def test_a_good_file_with_deltas_applies_every_row_once_and_twice_is_two_movements(lamp, chair):
    text = "sku,location,delta\nLAMP-1,Warehouse,3\nLAMP-1,Shop floor,2\nCHAIR-1,Warehouse,-1\n"

    first = stock_import_csv(upload=upload(text), store_ids=None)
    assert (first.ok, first.applied, first.movements) == (True, 3, 3)
    assert (stock_of(lamp), stock_of(chair)) == ((10, 0), (0, 0))

    second = stock_import_csv(upload=upload(text.replace("Warehouse,-1", "Warehouse,1")), store_ids=None)
    assert second.ok
    assert stock_of(lamp) == (15, 0)
    assert StockMovement.objects.filter(level__variant=lamp, kind="adjustment").count() == 4


def test_importing_counts_twice_is_idempotent(lamp, chair, shop_floor):
    text = "sku,location,count\nLAMP-1,Warehouse,12\nLAMP-1,Shop floor,4\nCHAIR-1,Warehouse,1\n"

    first = stock_import_csv(upload=upload(text), store_ids=None)
    after_first = movements()
    second = stock_import_csv(upload=upload(text), store_ids=None)

    assert (first.movements, second.movements) == (2, 0)  # CHAIR-1 already had 1
    assert movements() == after_first
    assert StockLevel.objects.get(variant=lamp, location=shop_floor).on_hand == 4
    assert stock_of(lamp) == (16, 0)


def test_a_staff_member_cannot_import_into_another_store(lamp, other_store):
    result = stock_import_csv(upload=upload("sku,location,count\nLAMP-1,Warehouse,50\n"), store_ids=[other_store.pk])

    assert [e.message for e in result.errors] == ["unknown SKU 'LAMP-1'"]
    assert stock_of(lamp) == (5, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"sku,qty\nLAMP-1,1\n", "header must name"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"sku,location,count\n", "no rows"),
    ],
)
def test_malformed_files_get_a_form_error_over_http(admin_client, lamp, content, message):
    response = admin_client.post(
        reverse("inventory:import"), {"file": SimpleUploadedFile("x.csv", content), "reason": "correction"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert stock_of(lamp) == (5, 0)


def test_importing_over_http_reports_each_bad_row(admin_client, lamp):
    response = admin_client.post(
        reverse("inventory:import"),
        {"file": upload("sku,location,count\nLAMP-1,Warehouse,7\nLAMP-1,Warehouse,-1\n"), "reason": "correction"},
    )

    assert response.status_code == 400
    assert "Row 3: count &#x27;-1&#x27; is not a whole number of at least 0" in response.content.decode()
    assert stock_of(lamp) == (5, 0)
