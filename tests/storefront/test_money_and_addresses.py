"""One money format (Babel, by locale) and addresses in each country's own layout."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from commerce.accounts.forms import PostalAddressForm
from commerce.core.addresses import PostalAddress, postal_address_errors
from commerce.core.money import Money

pytestmark = pytest.mark.storefront


def test_money_follows_the_active_language():
    price = Money(Decimal("1234.5"), "EUR")

    assert str(price) == "€1,234.50"
    with translation.override("de"):
        assert str(price) == "1.234,50\xa0€"
    assert str(Money(Decimal("1234.5"), "JPY")) == "¥1,235"


def test_the_money_filter_formats_decimals_with_their_currency_and_deductions_with_a_minus():
    rendered = Template("{% load money_tags %}{{ a|money:'USD' }} {{ b|money }} {{ b|money_off }}").render(
        Context({"a": Decimal("28"), "b": Money(Decimal("4"), "GBP")})
    )
    assert rendered == "$28.00 £4.00 −£4.00"


def test_addresses_print_in_the_countrys_own_layout():
    us = PostalAddress(
        full_name="Ann Lee", line1="1 Main St", city="Portland", region="OR", postal_code="97201", country="US"
    )
    de = PostalAddress(
        full_name="Anna Berg", line1="Unter den Linden 1", city="Berlin", postal_code="10117", country="DE"
    )

    assert us.lines() == ["Ann Lee", "1 Main St", "Portland, OR 97201", "United States of America"]
    assert de.lines() == ["Anna Berg", "Unter den Linden 1", "10117 Berlin", "Germany"]


def test_a_state_is_required_where_the_country_has_states_and_not_elsewhere():
    no_state = PostalAddress(full_name="Ann", line1="1 Main St", city="Portland", postal_code="97201", country="US")
    uk = PostalAddress(full_name="Ann", line1="10 High St", city="London", postal_code="SW1A 1AA", country="GB")

    assert set(postal_address_errors(no_state)) == {"region"}
    assert postal_address_errors(uk) == {}


def test_the_address_form_names_the_missing_state():
    form = PostalAddressForm(
        data={"full_name": "Ann", "line1": "1 Main St", "city": "Portland", "postal_code": "97201", "country": "US"}
    )
    form.fields["country"].choices = [("US", "United States")]

    assert not form.is_valid()
    assert "need one" in form.errors["region"][0]
