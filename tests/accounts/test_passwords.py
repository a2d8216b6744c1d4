import re

from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, logged_in_user_id

NEW_PASSWORD = "a-brand-new-passphrase-7"


def test_password_reset_emails_a_link_that_sets_a_new_password(client, customer):
    # When the customer asks for a reset, typing their email in another case
    response = client.post(reverse("accounts:password_reset"), {"email": "ada.lovelace@EXAMPLE.COM"})

    # Then a plain-text email carries a one-time link
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert message.subject == "Reset your password at Magpie Test Shop"
    assert not message.alternatives
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", message.body).group(1)

    # And following it lets them choose a new password
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")

    # And the new password logs in, the old one does not, and the link is spent
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert not customer.check_password(PASSWORD)
    client.post(reverse("accounts:login"), {"username": customer.email, "password": NEW_PASSWORD})
    assert logged_in_user_id(client) == customer.pk
    client.post(reverse("accounts:logout"))
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, store):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_pages_render(client, store):
    for name in ("accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b'<link rel="stylesheet"' in response.content


def test_password_change_keeps_the_customer_logged_in(client, customer):
    client.force_login(customer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == reverse("accounts:detail")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client) == customer.pk


def test_password_change_with_a_wrong_old_password_is_a_form_error(client, customer):
    client.force_login(customer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_staff_reset_their_password_from_wagtails_admin(client, store, django_user_model):
    """Wagtail's reset views find the account before anyone is signed in: they run under the named
    "password_reset" system context, like ours (without it the database would hide the account)."""
    clerk = django_user_model.objects.create_user(email="clerk@example.com", password=PASSWORD, is_staff=True)

    client.post(reverse("wagtailadmin_password_reset"), {"email": "clerk@example.com"})

    assert [message.to for message in mail.outbox] == [["clerk@example.com"]]
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
