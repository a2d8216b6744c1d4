"""Staff gift cards over the API: masked everywhere (the full code only in the issue response),
issue, disable/enable, balance adjustments in the ledger; the Gift cards screen's permissions and
store scope (with RLS underneath, as the runtime role)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER
from commerce.api.views import staff_gift_cards
from commerce.cart.models import Cart
from commerce.cart.services import cart_apply_gift_card
from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import GiftCard, GiftCardTransaction
from tests.api.staff_catalog_fixtures import field_of, post

pytestmark = [pytest.mark.api, pytest.mark.django_db]

LIST = "/api/v1/staff/gift-cards/"


def url(card, tail: str = "") -> str:
    return f"{LIST}{card.pk}/{tail}"


@pytest.fixture
def cards(store, other_store):
    ours = gift_card_issue(store=store, value=Money(Decimal("50"), "USD"), recipient_email="ada@example.com")
    theirs = gift_card_issue(store=other_store, value=Money(Decimal("30"), "EUR"))
    return ours, theirs


def test_issuing_shows_the_code_once_and_emails_it(staff_client, store, mailoutbox, django_capture_on_commit_callbacks):
    manager = staff_client(MANAGER, stores=[store])

    with django_capture_on_commit_callbacks(execute=True):
        response = post(manager, LIST, {"store": store.pk, "value": "25.00", "recipient_email": "bo@example.com"})

    assert response.status_code == 201, response.json()
    body = response.json()
    card = GiftCard.objects.get(pk=body["id"])
    assert body["code"].replace("-", "") == card.code
    assert (body["balance"], body["currency"], body["emailed_to"]) == ("25.00", "USD", "bo@example.com")
    assert response["Cache-Control"] == "no-store"
    assert [m.to for m in mailoutbox] == [["bo@example.com"]]
    assert GiftCardTransaction.objects.get(gift_card=card).kind == "issue"
    for later in (manager.get(LIST), manager.get(url(card))):
        assert later.status_code == 200
        assert card.code not in later.content.decode()
        assert card.code[-4:] in later.content.decode()
    assert manager.get(url(card)).json()["masked_code"] == f"•••• {card.code[-4:]}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "0"}, "value"),
        ({"value": "ten"}, "value"),
        ({"value": "2000000"}, "value"),
        ({"value": "10", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"value": "10", "recipient_email": "not-an-email"}, "recipient_email"),
        ({"value": "10", "customer_email": "nobody@example.com"}, "customer_email"),
        ({"value": "10", "store": "OTHER"}, "store"),
    ],
)
def test_bad_issues_are_400s_naming_the_field_and_issue_nothing(staff_client, store, other_store, body, field):
    body = {"store": store.pk, **body}
    if body["store"] == "OTHER":
        body["store"] = other_store.pk

    response = post(staff_client(MANAGER, stores=[store]), LIST, body)

    assert response.status_code == 400, response.json()
    assert field_of(response) == field
    assert not GiftCard.objects.exists()


def test_adjustments_are_ledger_rows_and_never_take_the_balance_below_zero(staff_client, store, cards):
    ours, _ = cards
    manager = staff_client(MANAGER, stores=[store])

    up = post(manager, url(ours, "adjustments/"), {"amount": "5.50", "reason": "goodwill"})
    assert up.status_code == 201, up.json()
    assert up.json()["balance"] == "55.50"
    assert [(t["kind"], t["amount"], t["balance_after"]) for t in up.json()["transactions"]] == [
        ("issue", "50.00", "50.00"),
        ("adjustment", "5.50", "55.50"),
    ]
    assert up.json()["transactions"][1]["actor"] == manager.user.email
    for body, field in (
        ({"amount": "-60", "reason": "oops"}, "amount"),
        ({"amount": "0", "reason": "nothing"}, "amount"),
        ({"amount": "5"}, "reason"),
        ({"amount": "5", "reason": "   "}, "reason"),
    ):
        refused = post(manager, url(ours, "adjustments/"), body)
        assert (refused.status_code, field_of(refused)) == (400, field), refused.json()
    ours.refresh_from_db()
    assert ours.balance == Decimal("55.50")
    assert GiftCardTransaction.objects.filter(gift_card=ours).count() == 2


def test_a_disabled_card_cannot_pay_until_enabled(staff_client, store, cards):
    ours, _ = cards
    manager = staff_client(MANAGER, stores=[store])

    disabled = post(manager, url(ours, "disable/"))

    assert (disabled.status_code, disabled.json()["is_active"]) == (200, False)
    assert [c["id"] for c in manager.get(LIST, {"is_active": "false"}).json()["results"]] == [ours.pk]
    cart = Cart.objects.create(store=store)
    with pytest.raises(CommerceError):
        cart_apply_gift_card(cart=cart, code=ours.code)
    enabled = post(manager, url(ours, "enable/"))
    assert (enabled.json()["is_active"], enabled.json()["balance"]) == (True, "50.00")
    cart_apply_gift_card(cart=cart, code=ours.code)


def test_search_finds_by_last_four_or_email_but_never_by_other_parts_of_a_code(staff_client, store, cards):
    ours, _ = cards
    manager = staff_client(MANAGER, stores=[store])

    def found(term: str) -> list[int]:
        return [c["id"] for c in manager.get(LIST, {"search": term}).json()["results"]]

    assert found(ours.code[-4:]) == [ours.pk]
    assert found("ada@") == [ours.pk]
    assert found(ours.code[:4]) == [] or ours.code[:4] == ours.code[-4:]
    assert found(ours.code[2:8]) == []


def test_store_a_staff_never_see_store_b_cards_and_roles_are_the_screens(staff_client, store, other_store, cards):
    ours, theirs = cards
    manager = staff_client(MANAGER, stores=[store])

    assert [c["id"] for c in manager.get(LIST).json()["results"]] == [ours.pk]
    assert manager.get(LIST, {"store": other_store.pk}).json()["count"] == 0
    assert manager.get(url(theirs)).status_code == 404
    assert post(manager, url(theirs, "adjustments/"), {"amount": "-30", "reason": "x"}).status_code == 404
    assert post(manager, url(theirs, "disable/")).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.balance, theirs.is_active) == (Decimal("30"), True)

    service = staff_client(CUSTOMER_SERVICE, stores=[store])
    assert service.get(url(ours)).status_code == 200
    assert post(service, LIST, {"store": store.pk, "value": "5"}).status_code == 403
    assert post(service, url(ours, "adjustments/"), {"amount": "5", "reason": "x"}).status_code == 403
    assert post(service, url(ours, "disable/")).status_code == 403
    assert staff_client(MARKETER).get(LIST).status_code == 403
    everywhere = staff_client(MANAGER)
    assert {c["id"] for c in everywhere.get(LIST).json()["results"]} == {ours.pk, theirs.pk}


def test_every_gift_card_view_asks_for_the_gift_cards_token_scope():
    views = [
        getattr(staff_gift_cards, n) for n in dir(staff_gift_cards) if n.startswith("GiftCard") and n.endswith("View")
    ]
    assert len(views) >= 5
    assert {view.token_scope for view in views} == {"gift_cards"}


def test_a_card_can_be_issued_to_a_customer_account_the_staff_member_may_see(staff_client, store, django_user_model):
    """Staff limited to some stores see only the customers who ordered there (RLS on accounts), as
    on the admin's issue form; staff of every store see every customer."""
    customer = django_user_model.objects.create_user(email="cleo@example.com", password="x" * 12)
    body = {"store": store.pk, "value": "15", "customer_email": "CLEO@example.com"}

    limited = post(staff_client(MANAGER, stores=[store]), LIST, body)
    everywhere = post(staff_client(MANAGER), LIST, body)

    assert (limited.status_code, field_of(limited)) == (400, "customer_email")
    assert everywhere.status_code == 201, everywhere.json()
    assert everywhere.json()["customer_email"] == "cleo@example.com"
    assert GiftCard.objects.get().customer == customer
