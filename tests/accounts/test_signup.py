import re
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from commerce.accounts.models import User
from commerce.accounts.services import EmailTaken, customer_sign_up
from commerce.core.rls import system_context
from tests.accounts.conftest import PASSWORD, logged_in_user_id

SIGNUP = reverse("accounts:signup")


def sign_up_data(**overrides) -> dict[str, str]:
    data = {
        "email": "new.customer@example.com",
        "first_name": "Nia",
        "last_name": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def test_sign_up_page_is_an_accessible_form(client, store):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_email">Email</label>' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="new-password"' in html
    assert 'aria-describedby="id_password1_helptext"' in html


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/account/signup/confirm/\S+)", message.body).group(1)


def test_sign_up_creates_an_inactive_customer_and_mails_a_link_that_signs_them_in(client, store):
    response = client.post(SIGNUP, sign_up_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name, user.is_active) == (
        "new.customer@example.com",
        "Nia",
        "",
        False,
    )
    assert user.check_password(PASSWORD)
    assert logged_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [["new.customer@example.com"]]

    # opening the link shows a button and changes nothing (mail scanners open links)
    page = client.get(confirm_link(mail.outbox[0]))
    assert page.status_code == 200 and "new.customer@example.com" in page.content.decode()
    assert not User.objects.get().is_active and logged_in_user_id(client) is None

    confirmed = client.post(confirm_link(mail.outbox[0]))

    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("accounts:detail")
    assert logged_in_user_id(client) == user.pk
    page = client.get(reverse("accounts:detail"))
    assert "new.customer@example.com" in page.content.decode()
    # the link works once
    client.post(reverse("accounts:logout"))
    assert client.get(confirm_link(mail.outbox[0])).status_code == 400
    assert client.post(confirm_link(mail.outbox[0])).status_code == 400


def test_sign_up_with_a_registered_email_answers_the_same_and_mails_the_owner(client, customer):
    fresh = client.post(SIGNUP, sign_up_data(email="someone.new@example.com"))
    taken = client.post(SIGNUP, sign_up_data(email="ADA.LOVELACE@EXAMPLE.COM"))

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email__iexact="ada.lovelace@example.com").count() == 1
    assert logged_in_user_id(client) is None
    owner_mail = mail.outbox[-1]
    assert owner_mail.to == [customer.email]
    assert "already have one" in owner_mail.body and "/account/password-reset/" in owner_mail.body
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)  # nothing changed for the owner


def test_signing_up_again_before_confirming_resends_the_link(client, store):
    client.post(SIGNUP, sign_up_data())
    client.post(SIGNUP, sign_up_data())

    assert len(mail.outbox) == 2
    assert "/account/signup/confirm/" in mail.outbox[1].body


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("password", "password", "password1"),  # common
        ("12345678901", "12345678901", "password1"),  # numeric
        ("short", "short", "password1"),  # too short
        ("new.customer1", "new.customer1", "password1"),  # too like the email
        (PASSWORD, PASSWORD + "x", "password2"),  # mismatch
    ],
)
def test_sign_up_with_a_weak_or_mismatched_password_is_a_form_error(client, store, password1, password2, field):
    response = client.post(SIGNUP, sign_up_data(password1=password1, password2=password2))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()
    assert logged_in_user_id(client) is None


def test_sign_up_follows_a_safe_next(client, store):
    client.post(f"{SIGNUP}?next=/checkout/", sign_up_data())

    assert client.post(confirm_link(mail.outbox[0]))["Location"] == "/checkout/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:evil.example"])
def test_sign_up_refuses_an_open_redirect(client, store, target):
    client.post(SIGNUP, sign_up_data(next=target))

    response = client.post(confirm_link(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:detail")


def test_signed_in_customer_visiting_sign_up_goes_to_their_account(client, customer):
    client.force_login(customer)

    response = client.get(SIGNUP)

    assert response["Location"] == reverse("accounts:detail")


def test_customer_sign_up_service_refuses_a_duplicate_email_in_any_case(customer):
    with pytest.raises(EmailTaken):
        customer_sign_up(email="ada.LOVELACE@example.com", password=PASSWORD, first_name="Ada", last_name="")

    assert User.objects.count() == 1


class RivalSignUp(threading.Thread):
    """Inserts the same email in its own transaction and commits it only when told to."""

    def __init__(self, email: str) -> None:
        super().__init__(daemon=True)
        self.email = email
        self.inserted = threading.Event()
        self.commit = threading.Event()

    def run(self) -> None:
        try:
            # another sign-up request: sign-up writes as the named "sign_up" system context
            with system_context("sign_up"), transaction.atomic():
                User.objects.create_user(email=self.email, password=PASSWORD, first_name="Rival")
                self.inserted.set()
                self.commit.wait(10)
        finally:
            connection.close()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_sign_up_racing_another_with_the_same_email_is_not_a_500(client, store):
    # Given a rival sign-up whose row is inserted but not yet committed (invisible to our checks)
    rival = RivalSignUp("RACE@example.com")
    rival.start()
    assert rival.inserted.wait(10)
    # When our insert blocks on the unique index and the rival then commits
    threading.Timer(0.5, rival.commit.set).start()
    response = client.post(SIGNUP, sign_up_data(email="race@example.com"))
    rival.join(10)

    # Then the loser gets the usual answer (the rival's owner is mailed), and one account exists
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.filter(email__iexact="race@example.com").count() == 1
    assert logged_in_user_id(client) is None
