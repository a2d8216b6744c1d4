from decimal import Decimal

import pytest

from commerce.cart.models import MAX_QUANTITY_PER_LINE, Cart, CartLine
from commerce.cart.offers import cart_pricing
from commerce.cart.selectors import cart_lines
from commerce.cart.services import cart_add_line, cart_create, cart_merge, cart_remove_line, cart_set_quantity
from commerce.core.exceptions import CommerceError, NotFound, OutOfStock
from commerce.core.money import Money
from tests.factories import ProductPageFactory

pytestmark = pytest.mark.django_db


def test_adding_a_variant_twice_adds_up_on_one_line(store, variant):
    cart = cart_create(store=store)

    cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    cart_add_line(cart=cart, variant_id=str(variant.pk), quantity="2")

    assert list(cart.lines.values_list("variant_id", "quantity")) == [(variant.pk, 3)]


@pytest.mark.parametrize("quantity", [0, -1, "abc", "", None, 10**9, MAX_QUANTITY_PER_LINE + 1])
def test_bad_quantities_are_refused_and_nothing_is_written(store, variant, quantity):
    cart = cart_create(store=store)

    with pytest.raises(CommerceError) as error:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)

    assert error.value.field == "quantity"
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("variant_id", [999999, "nope", None, -3])
def test_unknown_variants_are_refused(store, variant_id):
    cart = cart_create(store=store)

    with pytest.raises(NotFound) as error:
        cart_add_line(cart=cart, variant_id=variant_id, quantity=1)

    assert error.value.field == "variant_id"


def test_a_variant_of_another_store_is_not_buyable_here(store, other_store):
    foreign = ProductPageFactory(store=other_store).variants.get()
    cart = cart_create(store=store)

    with pytest.raises(NotFound):
        cart_add_line(cart=cart, variant_id=foreign.pk, quantity=1)


def test_quantity_is_checked_against_available_stock(store, variant):
    cart = cart_create(store=store)

    with pytest.raises(OutOfStock) as error:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=6)

    assert "Only 5" in error.value.message
    assert not CartLine.objects.exists()


def test_sold_out_variant_cannot_be_added(store):
    sold_out = ProductPageFactory(store=store, stock=0).variants.get()
    cart = cart_create(store=store)

    with pytest.raises(OutOfStock, match="sold out"):
        cart_add_line(cart=cart, variant_id=sold_out.pk, quantity=1)


def test_setting_quantity_to_zero_removes_the_line(store, variant):
    cart = cart_create(store=store)
    line = cart_add_line(cart=cart, variant_id=variant.pk, quantity=2)

    assert cart_set_quantity(cart=cart, line_id=line.pk, quantity=0) is None
    assert not cart.lines.exists()


def test_lines_of_another_cart_cannot_be_changed(store, variant):
    mine, theirs = cart_create(store=store), cart_create(store=store)
    their_line = cart_add_line(cart=theirs, variant_id=variant.pk, quantity=1)

    with pytest.raises(NotFound):
        cart_set_quantity(cart=mine, line_id=their_line.pk, quantity=3)
    with pytest.raises(NotFound):
        cart_remove_line(cart=mine, line_id=their_line.pk)
    assert CartLine.objects.get(pk=their_line.pk).quantity == 1


def test_merge_on_login_adds_quantities_capped_by_stock(store, variant, django_user_model):
    customer = django_user_model.objects.create_user(email="c@example.com", password="x" * 12)
    other = ProductPageFactory(store=store, price="3.00", stock=10).variants.get()
    guest = cart_create(store=store)
    cart_add_line(cart=guest, variant_id=variant.pk, quantity=4)
    cart_add_line(cart=guest, variant_id=other.pk, quantity=1)
    own = cart_create(store=store, customer=customer)
    cart_add_line(cart=own, variant_id=variant.pk, quantity=3)

    merged = cart_merge(source=guest, target=own)

    assert dict(merged.lines.values_list("variant_id", "quantity")) == {variant.pk: 5, other.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_totals_come_from_the_variant_price_not_the_client(store, variant):
    cart = cart_create(store=store)
    cart_add_line(cart=cart, variant_id=variant.pk, quantity=3)
    variant.price = Decimal("7.50")
    variant.save()

    totals = cart_pricing(cart=cart, lines=cart_lines(cart=cart)).totals

    assert totals.subtotal == Money(Decimal("22.50"), "USD")
    assert totals.total == Money(Decimal("22.50"), "USD")
