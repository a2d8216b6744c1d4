"""Staff-only data about customers (``STAFF_ONLY``: customer notes), checked with raw SQL as the
runtime role: staff of the row's store see it; no shopper does, not even the customer it is about."""

from __future__ import annotations

import pytest

from commerce.accounts.models import StaffProfile, User
from commerce.core.rls import RlsContext, system_context, use_context
from commerce.core.rls.policies import staff_only_tables
from commerce.people.models import CustomerNote
from tests.security.rls_world import changed, table_ids

pytestmark = [pytest.mark.rls, pytest.mark.backoffice]

TABLES = staff_only_tables()


@pytest.fixture
def notes(store, other_store) -> dict[str, object]:
    with system_context("test notes"):
        customer = User.objects.create_user(email="subject@example.com", password="irrelevant-42")
        clerk = User.objects.create_user(email="clerk@example.com", password="irrelevant-42", is_staff=True)
        StaffProfile.objects.create(user=clerk, all_stores=False).stores.add(store)
        ours = CustomerNote.objects.create(customer=customer, store=store, text="ours", author=clerk)
        theirs = CustomerNote.objects.create(customer=customer, store=other_store, text="theirs")
    return {"customer": customer, "clerk": clerk, "ours": ours.pk, "theirs": theirs.pk}


def test_the_registry_lists_the_notes():
    assert TABLES[0] == "people_customernote"
    assert {"insights_dailysales", "insights_dailyproductsales", "insights_customerfirstorder"} <= set(TABLES[1:])
    assert {"insights_dailycustomersales", "insights_dailyshippingsales"} <= set(TABLES[1:])


def test_nobody_without_a_context_sees_a_note(notes):
    with use_context(None):
        assert table_ids("people_customernote") == set()


def test_the_customer_never_sees_nor_changes_notes_about_them(notes):
    everything = {notes["ours"], notes["theirs"]}
    with use_context(RlsContext(role="customer", user_id=notes["customer"].pk)):
        visible = table_ids("people_customernote")
        updated = changed("UPDATE \"people_customernote\" SET text = 'x' WHERE id = ANY(%s)", everything)
    with use_context(RlsContext(role="anonymous")):
        anonymous = table_ids("people_customernote")

    assert (visible, anonymous, updated) == (set(), set(), 0)


def test_staff_see_only_their_stores_notes(notes, store):
    with use_context(RlsContext(role="staff", user_id=notes["clerk"].pk, store_ids=(store.pk,))):
        limited = table_ids("people_customernote")
    with use_context(RlsContext(role="staff", user_id=notes["clerk"].pk, store_ids=None)):
        everyone = table_ids("people_customernote")

    assert limited == {notes["ours"]}
    assert {notes["ours"], notes["theirs"]} <= everyone
