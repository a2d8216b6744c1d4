"""The registry of protected tables cannot silently fall behind the models."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from commerce.core.rls.registry import ALL_ENTRIES, EXEMPT

pytestmark = pytest.mark.rls

# Our own apps: Wagtail's and Django's tables hold staff activity and content, not customer data.
OWN_APPS = ("commerce.", "home", "search", "demo")


def own_models():
    return [m for m in apps.get_models() if m.__module__.startswith(OWN_APPS)]


def protected_labels() -> set[str]:
    return {entry.label for entry in ALL_ENTRIES}


def points_at_protected(model) -> list[str]:
    """The foreign keys ``model`` declares that lead to a customer or to a protected model (a page
    type's inherited ``owner`` and ``locked_by`` belong to Wagtail's page table)."""
    protected = {label for label in protected_labels() if label.count(".") == 1} | {settings.AUTH_USER_MODEL}
    return [
        f.name
        for f in model._meta.get_fields()
        if f.many_to_one or f.one_to_one
        if f.concrete and f.model is model and f.related_model is not None
        if f.related_model._meta.label in protected
    ]


def test_every_model_pointing_at_a_customer_or_a_protected_row_is_protected_or_exempt():
    missing = {
        model._meta.label: points_at_protected(model)
        for model in own_models()
        if points_at_protected(model) and model._meta.label not in protected_labels() | EXEMPT.keys()
    }

    assert missing == {}, "add these to commerce/core/rls/registry.py (REGISTRY, or EXEMPT with a reason)"


def test_many_to_many_links_of_protected_models_to_each_other_are_protected():
    protected = protected_labels()
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in own_models()
        if model._meta.label in protected
        for field in model._meta.many_to_many
        if field.related_model._meta.label in protected and f"{model._meta.label}.{field.name}" not in protected
    ]

    assert missing == []


def test_the_check_notices_a_new_model_with_a_customer_key():
    """The rule above is not vacuous: a model like Address would be reported if it were left out."""
    address = apps.get_model("accounts", "Address")

    assert points_at_protected(address) == ["customer"]
    assert "accounts.Address" in protected_labels()


def test_exemptions_say_why():
    assert all(reason.strip() for reason in EXEMPT.values())
    assert not EXEMPT.keys() & protected_labels()


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_refuses_a_connection_that_would_bypass_rls():
    from commerce.core.rls.checks import runtime_role_cannot_bypass_rls
    from commerce.core.rls.roles import owner_connection

    assert runtime_role_cannot_bypass_rls(databases=["default"]) == []
    with owner_connection():  # the owner owns the protected tables
        errors = runtime_role_cannot_bypass_rls(databases=["default"])

    assert [error.id for error in errors] == ["magpie.E001"]


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_notices_a_table_without_rls():
    from django.db import connection

    from commerce.core.rls.checks import protected_tables_enforce_rls
    from commerce.core.rls.policies import sync
    from commerce.core.rls.roles import owner_connection, runtime_user

    assert protected_tables_enforce_rls(databases=["default"]) == []
    with owner_connection():
        try:
            with connection.cursor() as cursor:
                cursor.execute('ALTER TABLE "accounts_address" NO FORCE ROW LEVEL SECURITY')
            errors = protected_tables_enforce_rls(databases=["default"])
        finally:
            sync(connection, runtime_role=runtime_user(connection))

    assert [error.id for error in errors] == ["magpie.E002"]
    assert "accounts_address" in errors[0].msg
    assert protected_tables_enforce_rls(databases=["default"]) == []
