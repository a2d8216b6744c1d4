"""Staff made on Wagtail's own Users screen are staff in every sense Magpie uses: the admin
log-in, the RLS context, store assignment. Staff are created here by POSTing the admin forms."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commerce.accounts.models import StaffProfile, User
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER
from commerce.core.rls.middleware import context_for_user
from tests.people.conftest import PASSWORD, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]

ADD = reverse("wagtailusers_users:add")


def user_form(email: str, *, groups=(), stores=(), **extra) -> dict:
    return {
        "email": email,
        "first_name": "Mia",
        "last_name": "Manager",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "groups": [Group.objects.get(name=name).pk for name in groups],
        "stores": [store.pk for store in stores],
        **extra,
    }


def sign_in_to_admin(email: str) -> Client:
    """As a new member of staff would: the admin's own log-in form."""
    client = Client()
    response = client.post(reverse("wagtailadmin_login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_manager_created_on_the_users_screen_sees_their_stores_orders_and_nothing_of_the_other(
    owner, store, other_store, buy, customer_factory
):
    ours = buy(customer_factory("ours@example.com"))
    theirs = buy(customer_factory("theirs@example.com"), store=other_store)

    response = client_for(owner).post(ADD, user_form("mia@example.com", groups=[MANAGER], stores=[store]))

    assert response.status_code == 302
    mia = User.objects.get(email="mia@example.com")
    assert mia.is_staff and not mia.is_superuser
    assert list(StaffProfile.objects.get(user=mia).stores.all()) == [store]
    assert context_for_user(mia).role == "staff"
    assert context_for_user(mia).store_ids == (store.pk,)
    client = sign_in_to_admin("mia@example.com")
    listing = client.get(reverse("orders_order_modeladmin_index")).content.decode()
    assert ours.number in listing
    assert ours.email in listing and theirs.email not in listing
    assert client.get(reverse("orders_order_modeladmin_inspect", args=[ours.pk])).status_code == 200
    assert client.get(reverse("orders_order_modeladmin_inspect", args=[theirs.pk])).status_code == 404


def test_no_store_ticked_means_every_store(owner, store, other_store):
    client_for(owner).post(ADD, user_form("all@example.com", groups=[CUSTOMER_SERVICE]))

    user = User.objects.get(email="all@example.com")
    assert user.is_staff
    assert StaffProfile.objects.get(user=user).all_stores
    assert context_for_user(user).store_ids is None


def test_removing_every_staff_role_unmakes_staff_and_it_is_audited(owner, store):
    client = client_for(owner)
    client.post(ADD, user_form("sam@example.com", groups=[MARKETER], stores=[store]))
    sam = User.objects.get(email="sam@example.com")
    assert sam.is_staff

    edit = reverse("wagtailusers_users:edit", args=[sam.pk])
    data = user_form("sam@example.com", password1="", password2="", is_active="on")
    response = client.post(edit, data)

    assert response.status_code == 302
    sam.refresh_from_db()
    assert not sam.is_staff
    assert not StaffProfile.objects.filter(user=sam).exists()
    assert context_for_user(sam).role == "customer"
    assert (
        Client().post(reverse("wagtailadmin_login"), {"username": sam.email, "password": PASSWORD}).status_code == 200
    )
    entries = ModelLogEntry.objects.filter(action="magpie.staff.access", object_id=str(sam.pk)).order_by("pk")
    assert [(e.data["after"]["roles"], e.data["after"]["is_staff"], e.user_id) for e in entries] == [
        ([MARKETER], True, owner.pk),
        ([], False, owner.pk),
    ]


def test_an_owner_changes_stores_and_deactivates_staff_from_the_edit_screen(owner, member, store, other_store):
    agent = member(CUSTOMER_SERVICE, stores=[store], email="agent@example.com")
    edit = reverse("wagtailusers_users:edit", args=[agent.pk])
    client = client_for(owner)
    assert client.get(edit).context["form"].initial["stores"] == [store.pk]

    client.post(
        edit,
        user_form(
            agent.email, groups=[CUSTOMER_SERVICE], stores=[other_store], password1="", password2="", is_active="on"
        ),
    )
    assert context_for_user(User.objects.get(pk=agent.pk)).store_ids == (other_store.pk,)

    client.post(
        edit, user_form(agent.email, groups=[CUSTOMER_SERVICE], stores=[other_store], password1="", password2="")
    )
    agent.refresh_from_db()
    assert not agent.is_active
    last = ModelLogEntry.objects.filter(action="magpie.staff.access", object_id=str(agent.pk)).latest("pk")
    assert (last.data["before"]["is_active"], last.data["after"]["is_active"]) == (True, False)


def test_a_superuser_made_on_the_screen_is_staff(owner):
    superuser = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    client_for(superuser).post(ADD, user_form("boss@example.com", is_superuser="on"))

    assert User.objects.get(email="boss@example.com").is_staff


def test_an_owner_limited_to_one_store_cannot_give_another_store(member, store, other_store):
    from commerce.accounts.roles import OWNER

    limited_owner = member(OWNER, stores=[store], email="owner-a@example.com")
    response = client_for(limited_owner).post(ADD, user_form("x@example.com", groups=[MANAGER], stores=[other_store]))

    assert response.status_code == 200
    assert "stores" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.com").exists()


def test_the_users_listings_assign_role_bulk_action_makes_staff_too(owner, store, customer_factory):
    shopper = customer_factory("promoted@example.com")
    url = reverse("wagtail_bulk_action", args=("accounts", "user", "assign_role")) + f"?id={shopper.pk}"

    response = client_for(owner).post(url, {"role": Group.objects.get(name=MANAGER).pk})

    assert response.status_code == 302
    shopper.refresh_from_db()
    assert shopper.is_staff
    assert context_for_user(shopper).role == "staff"
    entry = ModelLogEntry.objects.get(action="magpie.staff.access", object_id=str(shopper.pk))
    assert (entry.data["before"]["is_staff"], entry.data["after"]["roles"]) == (False, [MANAGER])


def test_an_owner_limited_to_one_store_gives_at_least_one_of_theirs_and_keeps_stores_they_cannot_see(
    member, store, other_store
):
    from commerce.accounts.roles import OWNER

    limited_owner = client_for(member(OWNER, stores=[store], email="owner-a@example.com"))
    refused = limited_owner.post(ADD, user_form("every@example.com", groups=[MANAGER]))
    assert "stores" in refused.context["form"].errors  # none ticked would mean every store
    assert not User.objects.filter(email="every@example.com").exists()

    both = member(MANAGER, stores=[store, other_store], email="both@example.com")
    edit = reverse("wagtailusers_users:edit", args=[both.pk])
    form = user_form(both.email, groups=[MANAGER], stores=[store], password1="", password2="", is_active="on")
    form["last_name"] = "Renamed"
    assert limited_owner.post(edit, form).status_code == 302

    assert context_for_user(User.objects.get(pk=both.pk)).store_ids == tuple(sorted((store.pk, other_store.pk)))
