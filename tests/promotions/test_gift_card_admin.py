"""Gift cards in the Wagtail admin: masked everywhere, issued and adjusted only through services,
never edited or deleted."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commerce.promotions.gift_card_admin import gift_card_admin_url
from commerce.promotions.gift_cards import gift_card_code_normalise, gift_card_format, gift_card_issue
from commerce.promotions.models import GiftCard, GiftCardTransaction
from tests.promotions.gift_card_fixtures import assert_ledger_consistent, card, superuser, superuser_client, usd

pytestmark = pytest.mark.django_db
__all__ = ["card", "superuser", "superuser_client"]  # fixtures, imported explicitly

INDEX = reverse("promotions_giftcard_modeladmin_index")


def listed(response) -> list[GiftCard]:
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_the_list_shows_masked_codes_only(superuser_client, store, card):
    other = gift_card_issue(store=store, value=usd("10"), expires_at=timezone.now() + timedelta(days=9))

    response = superuser_client.get(INDEX)

    html = response.content.decode()
    assert set(listed(response)) == {card, other}
    for each in (card, other):
        assert each.masked_code in html
        assert each.code not in html and gift_card_format(each.code) not in html
    for text in ("Magpie Test Shop", "$50.00", "$10.00", "friend@example.com", "Issue gift card", "Issue in bulk"):
        assert text in html


def test_filters_by_store_active_and_expired(superuser_client, store, other_store, card):
    from commerce.core.money import Money

    euro = gift_card_issue(store=other_store, value=Money(Decimal("5"), "EUR"))
    expired = gift_card_issue(store=store, value=usd(5))
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1), is_active=False)

    assert listed(superuser_client.get(INDEX, {"store__id__exact": other_store.pk})) == [euro]
    assert listed(superuser_client.get(INDEX, {"is_active__exact": "0"})) == [expired]
    assert listed(superuser_client.get(INDEX, {"expired": "yes"})) == [expired]
    assert set(listed(superuser_client.get(INDEX, {"expired": "no"}))) == {card, euro}


def test_search_by_last_four_or_recipient_email_but_not_by_other_parts_of_a_code(superuser_client, store, card):
    GiftCard.objects.filter(pk=card.pk).update(code="ABCDEFGHJKMNPQRS")
    gift_card_issue(store=store, value=usd(5), recipient_email="someone@else.example")

    assert listed(superuser_client.get(INDEX, {"q": "pqrs"})) == [card]
    assert listed(superuser_client.get(INDEX, {"q": "friend@"})) == [card]
    assert listed(superuser_client.get(INDEX, {"q": "ABCD-EFGH-JKMN-PQRS"})) == [card]
    for part in ("ABCD", "EFGH", "ABCDEFGH", "BCDEFGHJKMNPQRS"):
        assert listed(superuser_client.get(INDEX, {"q": part})) == []


def test_the_inspect_page_shows_the_ledger_and_never_the_code(superuser_client, superuser, card):
    from commerce.promotions.gift_cards import gift_card_adjust

    gift_card_adjust(gift_card=card, amount=usd("-7.50"), reason="Damaged item goodwill", actor=superuser)

    response = superuser_client.get(gift_card_admin_url("inspect", card.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert card.masked_code in html and card.code not in html
    for text in ("Issued", "Manual adjustment", "-$7.50", "$42.50", "Damaged item goodwill", "boss@example.com"):
        assert text in html
    assert gift_card_admin_url("adjust", card.pk) in html


def test_issue_creates_a_card_and_a_ledger_row_shows_the_code_once_and_emails_it(
    superuser_client, superuser, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            gift_card_admin_url("issue"),
            {"store": store.pk, "value": "75.00", "recipient_email": "lucky@example.com", "customer_email": ""},
            follow=True,
        )

    card = GiftCard.objects.get()
    assert (card.initial_value, card.balance, card.created_by) == (Decimal("75.00"), Decimal("75.00"), superuser)
    assert card.transactions.get().kind == "issue"
    assert gift_card_format(card.code) in response.content.decode()  # the success message, once
    again = superuser_client.get(gift_card_admin_url("inspect", card.pk)).content.decode()
    assert card.code not in again and gift_card_format(card.code) not in again

    (email,) = mail.outbox
    assert email.to == ["lucky@example.com"]
    assert email.subject == "Your Magpie Test Shop gift card"
    assert gift_card_format(card.code) in email.body
    assert gift_card_format(card.code) in email.alternatives[0][0]
    assert "http://testserver/gift-cards/balance/" in email.body


def test_issue_with_a_customer_account_and_bad_input(superuser_client, store, django_user_model):
    customer = django_user_model.objects.create_user(email="ada@example.com", password="x" * 12)
    url = gift_card_admin_url("issue")

    bad = superuser_client.post(url, {"store": store.pk, "value": "0", "customer_email": "nobody@example.com"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"value", "customer_email"}
    assert not GiftCard.objects.exists()

    superuser_client.post(url, {"store": store.pk, "value": "10", "customer_email": "ADA@example.com"})
    assert GiftCard.objects.get().customer == customer


def test_bulk_issue_downloads_a_csv_of_n_new_codes(superuser_client, store):
    response = superuser_client.post(
        gift_card_admin_url("issue_bulk"), {"store": store.pk, "count": "25", "value": "15"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 25
    codes = {gift_card_code_normalise(row["code"]) for row in rows}
    assert codes == set(GiftCard.objects.values_list("code", flat=True))
    assert {row["value"] for row in rows} == {"15.00"} and {row["currency"] for row in rows} == {"USD"}
    assert GiftCardTransaction.objects.filter(kind="issue").count() == 25


def test_bulk_issue_takes_at_most_1000(superuser_client, store):
    response = superuser_client.post(
        gift_card_admin_url("issue_bulk"), {"store": store.pk, "count": "1001", "value": "5"}
    )

    assert response.status_code == 200 and "count" in response.context["form"].errors
    assert not GiftCard.objects.exists()


def test_adjust_needs_a_reason_and_never_goes_below_zero(superuser_client, card):
    url = gift_card_admin_url("adjust", card.pk)

    no_reason = superuser_client.post(url, {"amount": "-5", "reason": ""})
    too_much = superuser_client.post(url, {"amount": "-60", "reason": "Oops"})
    done = superuser_client.post(url, {"amount": "-5", "reason": "Customer complaint"})

    assert "reason" in no_reason.context["form"].errors
    assert "amount" in too_much.context["form"].errors
    assert done.status_code == 302 and done["Location"] == gift_card_admin_url("inspect", card.pk)
    card.refresh_from_db()
    assert card.balance == Decimal("45.00")
    assert card.transactions.filter(kind="adjustment").get().reason == "Customer complaint"
    assert_ledger_consistent(card)


def test_disable_and_enable_from_the_inspect_page_keep_the_balance(superuser_client, card, store):
    url = gift_card_admin_url("set_active", card.pk)
    page = superuser_client.get(gift_card_admin_url("inspect", card.pk)).content.decode()
    assert url in page and "Disable card" in page

    assert superuser_client.get(url).status_code == 405  # a GET never writes
    disabled = superuser_client.post(url, {"active": "0"})

    assert (disabled.status_code, disabled["Location"]) == (302, gift_card_admin_url("inspect", card.pk))
    card.refresh_from_db()
    assert (card.is_active, card.balance) == (False, Decimal("50.00"))
    assert "Enable card" in superuser_client.get(gift_card_admin_url("inspect", card.pk)).content.decode()
    superuser_client.post(url, {"active": "1"})
    card.refresh_from_db()
    assert card.is_active


def test_only_who_may_adjust_may_disable(card, django_user_model):
    viewer = django_user_model.objects.create_user(email="viewer@example.com", password="x" * 12, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_giftcard"]))
    client = Client()
    client.force_login(viewer)

    page = client.get(gift_card_admin_url("inspect", card.pk))
    response = client.post(gift_card_admin_url("set_active", card.pk), {"active": "0"})

    assert page.status_code == 200 and "Disable card" not in page.content.decode()
    assert response.status_code in (302, 403)
    card.refresh_from_db()
    assert card.is_active


@pytest.mark.parametrize("action", ["create", "edit", "delete", "history"])
def test_there_is_no_create_edit_or_delete_url(action):
    with pytest.raises(NoReverseMatch):
        reverse(f"promotions_giftcard_modeladmin_{action}", args=[] if action == "create" else [1])


def test_the_edit_and_delete_paths_are_not_found(superuser_client, card):
    for path in (f"/admin/promotions/giftcard/edit/{card.pk}/", f"/admin/promotions/giftcard/delete/{card.pk}/"):
        assert superuser_client.get(path).status_code == 404


def test_staff_who_may_only_view_cannot_issue_or_adjust(django_user_model, card):
    viewer = django_user_model.objects.create_user(email="viewer@example.com", password="x" * 12, is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="promotions", codename="view_giftcard"),
    )
    client = Client()
    client.force_login(viewer)

    html = client.get(INDEX).content.decode()
    assert card.masked_code in html and "Issue gift card" not in html
    assert (
        gift_card_admin_url("adjust", card.pk)
        not in client.get(gift_card_admin_url("inspect", card.pk)).content.decode()
    )
    for url in (
        gift_card_admin_url("issue"),
        gift_card_admin_url("issue_bulk"),
        gift_card_admin_url("adjust", card.pk),
    ):
        response = client.post(url, {"store": card.store_id, "value": "5", "count": "1", "amount": "5", "reason": "x"})
        assert response.status_code in (302, 403)
    assert GiftCard.objects.count() == 1 and card.transactions.count() == 1


def test_the_action_forms_render(superuser_client, card):
    pages = {
        gift_card_admin_url("issue"): ("Recipient email", "Customer account", "Issue gift card"),
        gift_card_admin_url("issue_bulk"): (
            "Number of cards",
            "only time the codes are shown",
            "Issue and download CSV",
        ),
        gift_card_admin_url("adjust", card.pk): ("Reason", card.masked_code, "Adjust balance"),
    }
    for url, texts in pages.items():
        response = superuser_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert all(text in html for text in texts), url
        assert card.code not in html
