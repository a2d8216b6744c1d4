"""Staff invitations: an owner invites by email with a role and stores; the emailed link is
single-use, expires, sets the password and signs the new member of staff in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from commerce.accounts.invitations import InvitationInvalid, invitation_accept, staff_invite
from commerce.accounts.models import StaffInvitation, User
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.core.rls.middleware import context_for_user
from tests.people.conftest import client_for
from tests.threads import run_together

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]

INVITE = reverse("people_invitations:add")
NEW_PASSWORD = "a-fresh-staff-password-7"


def invite(client: Client, email: str, role: str, stores=()) -> object:
    return client.post(
        INVITE, {"email": email, "role": Group.objects.get(name=role).pk, "stores": [s.pk for s in stores]}
    )


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/staff/invitation/\S+/)", message.body).group(1)


def accept(client: Client, path: str, password: str = NEW_PASSWORD) -> object:
    return client.post(path, {"first_name": "Ines", "last_name": "Vited", "password1": password, "password2": password})


def test_an_invitation_is_accepted_once_and_signs_the_new_staff_member_in(
    owner, store, other_store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(owner), "ines@example.com", MANAGER, [store])

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ines@example.com"]]
    path = link_in(mail.outbox[0])
    invitation = StaffInvitation.objects.get()
    assert invitation.token_hash not in mail.outbox[0].body  # only the hash is stored

    newcomer = Client()
    form_page = newcomer.get(path)
    assert form_page.status_code == 200 and "Manager" in form_page.content.decode()
    assert not User.objects.filter(email="ines@example.com").exists()  # a GET writes nothing

    response = accept(newcomer, path)

    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    ines = User.objects.get(email="ines@example.com")
    assert ines.check_password(NEW_PASSWORD) and ines.is_staff and ines.is_active
    assert list(ines.groups.values_list("name", flat=True)) == [MANAGER]
    assert context_for_user(ines).store_ids == (store.pk,)
    assert newcomer.get(reverse("wagtailadmin_home")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == ines
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"magpie.staff.invite", "magpie.staff.invitation_accepted", "magpie.staff.access"} <= actions

    # the link works once: a second visit and a second POST are refused, and change nothing
    again = Client()
    assert again.get(path).status_code == 410
    refused = accept(again, path, password="another-password-entirely-9")
    assert refused.status_code == 410 and "already been accepted" in refused.content.decode()
    ines.refresh_from_db()
    assert ines.check_password(NEW_PASSWORD)


def test_an_expired_invitation_is_refused_with_a_clear_page(owner, store):
    sent = staff_invite(
        email="late@example.com",
        role=Group.objects.get(name=MARKETER),
        store_ids=[],
        actor=owner,
        base_url="http://testserver",
    )
    StaffInvitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    path = sent.url.removeprefix("http://testserver")

    response = accept(Client(), path)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.com").exists()


def test_an_unknown_link_is_refused(store):
    response = Client().get(reverse("staff_invitation_accept", kwargs={"token": "not-a-real-token"}))

    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_a_weak_password_is_a_form_error_and_the_link_stays_usable(owner, store):
    sent = staff_invite(
        email="weak@example.com",
        role=Group.objects.get(name=MARKETER),
        store_ids=[],
        actor=owner,
        base_url="http://testserver",
    )
    path = sent.url.removeprefix("http://testserver")

    response = accept(Client(), path, password="password")

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not User.objects.filter(email="weak@example.com").exists()
    assert accept(Client(), path).status_code == 302


def test_an_existing_customer_invited_keeps_their_orders_and_becomes_staff(owner, store, buy, customer_factory):
    customer = customer_factory("shopper@example.com", "Sho")
    order = buy(customer)
    sent = staff_invite(
        email="SHOPPER@example.com",
        role=Group.objects.get(name=CUSTOMER_SERVICE),
        store_ids=[store.pk],
        actor=owner,
        base_url="http://testserver",
    )

    accept(Client(), sent.url.removeprefix("http://testserver"))

    customer.refresh_from_db()
    assert customer.is_staff and customer.check_password(NEW_PASSWORD)
    assert User.objects.filter(email__iexact="shopper@example.com").count() == 1
    order.refresh_from_db()
    assert order.customer_id == customer.pk


def test_inviting_someone_already_on_the_staff_is_a_form_error(owner, member, store):
    member(MANAGER, email="already@example.com")

    response = invite(client_for(owner), "already@example.com", MARKETER)

    assert response.status_code == 400
    assert "already on the staff" in str(response.context["form"].errors)
    assert not StaffInvitation.objects.exists()


@pytest.mark.parametrize("role", [MANAGER, CUSTOMER_SERVICE, MARKETER])
def test_only_owners_invite(member, store, role):
    client = client_for(member(role))

    assert client.get(reverse("people_invitations:index")).status_code in (302, 403)
    assert invite(client, "someone@example.com", MANAGER).status_code in (302, 403)
    assert not StaffInvitation.objects.exists()


def test_the_owner_sees_the_invitations_and_their_state(owner, store):
    staff_invite(
        email="pending@example.com",
        role=Group.objects.get(name=OWNER),
        store_ids=[],
        actor=owner,
        base_url="http://testserver",
    )

    page = client_for(owner).get(reverse("people_invitations:index"))

    assert page.status_code == 200
    assert "pending@example.com" in page.content.decode() and "Pending until" in page.content.decode()


def test_the_link_page_is_throttled(settings, owner, store):
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "staff_invitation": (3, 3600)}
    client = Client()
    url = reverse("staff_invitation_accept", kwargs={"token": "guess"})

    statuses = [client.get(url).status_code for _ in range(4)]

    assert statuses == [410, 410, 410, 429]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_accept_once(owner, store):
    sent = staff_invite(
        email="race@example.com",
        role=Group.objects.get(name=MANAGER),
        store_ids=[],
        actor=owner,
        base_url="http://testserver",
    )
    token = sent.url.rstrip("/").rsplit("/", 1)[-1]

    def attempt(password: str):
        return lambda: invitation_accept(token=token, password=password, first_name="Race", last_name="")

    results = run_together([attempt("first-password-xyz-1"), attempt("second-password-xyz-2")])

    accepted = [r for r in results if isinstance(r, User)]
    refused = [r for r in results if isinstance(r, InvitationInvalid)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert refused[0].reason == "used"
    assert User.objects.filter(email="race@example.com").count() == 1
    assert StaffInvitation.objects.get().accepted_by_id == accepted[0].pk


def test_an_owner_limited_to_a_store_cannot_invite_for_every_store(member, store, other_store):
    limited_owner = client_for(member(OWNER, stores=[store], email="owner-a@example.com"))

    everywhere = invite(limited_owner, "x@example.com", MANAGER)
    elsewhere = invite(limited_owner, "y@example.com", MANAGER, [other_store])

    assert everywhere.status_code == 400 and "stores" in everywhere.context["form"].errors
    assert elsewhere.status_code == 400 and "stores" in elsewhere.context["form"].errors
    assert not StaffInvitation.objects.exists()
