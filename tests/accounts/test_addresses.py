import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from commerce.accounts.models import Address
from commerce.accounts.services import address_create, address_set_default
from commerce.core.addresses import PostalAddress
from commerce.core.rls import RlsContext, use_context

HOME = PostalAddress(
    full_name="Ada Lovelace", line1="12 St James's Square", city="London", postal_code="SW1Y 4JH", country="GB"
)
WORK = PostalAddress(
    full_name="Ada Lovelace", line1="1 Main St", city="Springfield", postal_code="12345", region="NY", country="US"
)


def form_data(address: PostalAddress, *, is_default: bool = False) -> dict[str, str]:
    data = address.as_dict()
    if is_default:
        data["is_default"] = "on"
    return data


def defaults(customer) -> list[int]:
    return list(Address.objects.filter(customer=customer, is_default=True).values_list("pk", flat=True))


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def test_add_form_lists_the_stores_shipping_countries_first(signed_in, store):
    store.shipping_countries = "US,CA"
    store.save()

    response = signed_in.get(reverse("accounts:address_add"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Countries this store ships to">' in html
    assert html.index('value="CA"') < html.index('<optgroup label="All countries">') < html.index('value="GB"')
    assert 'autocomplete="postal-code"' in html
    # The first address is offered as the default
    assert response.context["form"].initial["is_default"] is True


def test_add_addresses_and_switch_the_default(signed_in, customer):
    signed_in.post(reverse("accounts:address_add"), form_data(HOME, is_default=True))
    home = Address.objects.get(customer=customer)
    assert home.is_default and home.country == "GB"

    response = signed_in.post(reverse("accounts:address_add"), form_data(WORK, is_default=True))

    assert response["Location"] == reverse("accounts:addresses")
    work = Address.objects.get(customer=customer, line1="1 Main St")
    assert defaults(customer) == [work.pk]

    signed_in.post(reverse("accounts:address_set_default", args=[home.pk]))

    assert defaults(customer) == [home.pk]
    listing = signed_in.get(reverse("accounts:addresses"))
    assert [a.pk for a in listing.context["addresses"]] == [home.pk, work.pk]
    assert "United Kingdom" in listing.content.decode()


def test_edit_an_address(signed_in, customer):
    home = address_create(customer=customer, address=HOME, is_default=True)

    page = signed_in.get(reverse("accounts:address_edit", args=[home.pk]))
    assert page.context["form"].initial["line1"] == HOME.line1
    response = signed_in.post(
        reverse("accounts:address_edit", args=[home.pk]), form_data(HOME, is_default=True) | {"city": "Bath"}
    )

    assert response["Location"] == reverse("accounts:addresses")
    home.refresh_from_db()
    assert (home.city, home.is_default) == ("Bath", True)


def test_invalid_address_is_a_form_error(signed_in, customer):
    response = signed_in.post(reverse("accounts:address_add"), form_data(HOME) | {"country": "XX", "line1": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"country", "line1"}
    assert 'href="#id_line1"' in response.content.decode()
    assert not Address.objects.exists()


def test_delete_an_address_by_post_only(signed_in, customer):
    home = address_create(customer=customer, address=HOME)
    url = reverse("accounts:address_delete", args=[home.pk])

    assert signed_in.get(url).status_code == 405
    response = signed_in.post(url)

    assert response["Location"] == reverse("accounts:addresses")
    assert not Address.objects.exists()


def test_another_customers_address_is_not_found_and_unchanged(signed_in, other_customer):
    theirs = address_create(customer=other_customer, address=HOME, is_default=False)

    assert signed_in.get(reverse("accounts:address_edit", args=[theirs.pk])).status_code == 404
    edited = signed_in.post(reverse("accounts:address_edit", args=[theirs.pk]), form_data(WORK, is_default=True))
    deleted = signed_in.post(reverse("accounts:address_delete", args=[theirs.pk]))
    made_default = signed_in.post(reverse("accounts:address_set_default", args=[theirs.pk]))

    assert (edited.status_code, deleted.status_code, made_default.status_code) == (404, 404, 404)
    theirs.refresh_from_db()
    assert (theirs.line1, theirs.is_default) == (HOME.line1, False)
    assert HOME.line1 not in signed_in.get(reverse("accounts:addresses")).content.decode()


def test_address_views_require_csrf(client, customer):
    home = address_create(customer=customer, address=HOME)
    strict = client.__class__(enforce_csrf_checks=True)
    strict.force_login(customer)

    response = strict.post(reverse("accounts:address_delete", args=[home.pk]))

    assert response.status_code == 403
    assert Address.objects.filter(pk=home.pk).exists()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_default_switches_leave_exactly_one_default(customer):
    # Given five addresses, and five requests each making a different one the default at once
    addresses = [address_create(customer=customer, address=HOME) for _ in range(5)]
    start = threading.Barrier(len(addresses))

    def make_default(address: Address) -> int:
        try:
            start.wait(10)
            with use_context(RlsContext(role="customer", user_id=customer.pk)):
                return address_set_default(customer=customer, address_id=address.pk).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        results = list(pool.map(make_default, addresses))

    # Then none failed on the one-default constraint, and one address is the default
    assert sorted(results) == sorted(a.pk for a in addresses)
    assert len(defaults(customer)) == 1
