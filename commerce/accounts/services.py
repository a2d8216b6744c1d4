"""Writes for customer accounts: sign-up and the address book.

Every address-book write first locks the customer's row, so two requests of one customer (two tabs
switching the default, say) run one after the other and the one-default constraint never trips.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_countries import countries

from commerce.core.addresses import PostalAddress
from commerce.core.exceptions import CommerceError, NotFound
from commerce.core.locking import locked
from commerce.core.rls import runs_as_system

from .models import Address, User

EMAIL_TAKEN_MESSAGE = "An account with this email address already exists. Log in, or reset your password."


class EmailTaken(CommerceError):
    def __init__(self) -> None:
        super().__init__(EMAIL_TAKEN_MESSAGE, field="email", code="email_taken")


@runs_as_system("sign_up")
@transaction.atomic
def customer_sign_up(
    *, email: str, password: str, first_name: str, last_name: str = "", is_active: bool = True
) -> User:
    """Create a customer account (as the system: the email must be checked against every account,
    and the new row belongs to nobody signed in yet). Raises EmailTaken when the email is in use in any letter case,
    even when another sign-up with the same email commits first, and ValidationError for a password
    the configured validators reject."""
    email = User.objects.normalize_email(email).strip()
    first_name, last_name = first_name.strip(), last_name.strip()
    password_validation.validate_password(password, User(email=email, first_name=first_name, last_name=last_name))
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=password, first_name=first_name, last_name=last_name, is_active=is_active
            )
    except (IntegrityError, ValidationError):
        # A sign-up with the same email committed after our check: the manager's full_clean() or
        # the Lower(email) unique index caught it.
        if User.objects.filter(email__iexact=email).exists():
            raise EmailTaken() from None
        raise


@transaction.atomic
def address_create(*, customer: User, address: PostalAddress, is_default: bool = False) -> Address:
    _lock_address_book(customer)
    record = Address(customer=customer)
    return _write(record, address=address, is_default=is_default)


@transaction.atomic
def address_update(*, customer: User, address_id: int, address: PostalAddress, is_default: bool) -> Address:
    _lock_address_book(customer)
    return _write(_owned(customer, address_id), address=address, is_default=is_default)


@transaction.atomic
def address_delete(*, customer: User, address_id: int) -> None:
    _lock_address_book(customer)
    _owned(customer, address_id).delete()


@transaction.atomic
def address_set_default(*, customer: User, address_id: int) -> Address:
    _lock_address_book(customer)
    record = _owned(customer, address_id)
    if not record.is_default:
        # Clear the old default first: the partial unique index allows one default per customer.
        Address.objects.filter(customer=customer, is_default=True).update(is_default=False)
        record.is_default = True
        record.save(update_fields=["is_default"])
    return record


def _lock_address_book(customer: User) -> None:
    locked(User.objects.filter(pk=customer.pk)).values_list("pk", flat=True).first()


def _owned(customer: User, address_id: int) -> Address:
    record = Address.objects.filter(customer=customer, pk=address_id).first()
    if record is None:
        raise NotFound("That address is not in your address book.")
    return record


def _write(record: Address, *, address: PostalAddress, is_default: bool) -> Address:
    country = address.country.strip().upper()
    if country not in countries:
        raise CommerceError("Choose a country from the list.", field="country")
    for name, value in address.as_dict().items():
        setattr(record, name, value.strip())
    record.country = country
    if is_default and not record.is_default:
        Address.objects.filter(customer=record.customer, is_default=True).update(is_default=False)
    record.is_default = is_default
    record.full_clean()
    record.save()
    return record
