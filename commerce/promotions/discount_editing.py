"""Writing discounts and their codes: the rules the admin's editing forms and the staff API share.

- ``discount_problems`` is every check a discount must pass before it is saved (the database
  enforces the first three too); the admin form adds them as form errors, ``discount_save``
  raises them as a ``ValidationError`` naming each field.
- Publishing is a permission (``promotions.publish_discount``: Managers and Owners). Without it a
  new discount is a draft, a draft stays a draft, and a live discount cannot be changed at all
  (``PublishRefused``); the admin shows no "published" switch to such a user.
- Codes are stored upper-case, without spaces, unique in their discount's store. A code is
  disabled rather than deleted (redemptions reference it); a disabled code answers like an
  unknown one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Upper

from commerce.catalog.models import CollectionPage, ProductPage
from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.stores.models import Store

from .discount_rules import normalize_code
from .models import Discount, DiscountCode

PUBLISH_DISCOUNT = "promotions.publish_discount"
CODE_MAX_LENGTH = DiscountCode._meta.get_field("code").max_length
TARGET_FIELDS = ("products", "collections", "categories")
# The fields a discount is written with (everything but its store, counters and targets).
DISCOUNT_FIELDS = (
    "name",
    "kind",
    "value_type",
    "value",
    "target",
    "min_subtotal",
    "min_quantity",
    "starts_at",
    "ends_at",
    "requires_login",
    "first_order_only",
    "usage_limit",
    "once_per_customer",
    "combinable",
    "priority",
    "is_active",
)

Problems = list[tuple[str | None, str]]


class PublishRefused(CommerceError):
    """Publishing, unpublishing or changing a live discount without the publish permission."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="permission_denied")


def discount_problems(
    *,
    store: Store | None,
    value_type: str | None,
    value: Decimal | None,
    starts_at: Any,
    ends_at: Any,
    target: str | None,
    targets: dict[str, Iterable[Model] | None],
    usage_limit: int | None = None,
    instance: Discount | None = None,
) -> Problems:
    """What is wrong with a discount about to be saved, as (field, reason); empty when nothing is.

    ``targets`` maps ``products``/``collections``/``categories`` to the chosen objects (None: none).
    ``instance`` is the saved discount being changed, if any.
    """
    problems: Problems = []
    if value_type in (Discount.ValueType.PERCENTAGE, Discount.ValueType.FIXED) and value is not None:
        if value <= 0:
            problems.append(("value", "Enter a value above zero."))
        elif value_type == Discount.ValueType.PERCENTAGE and value > 100:
            problems.append(("value", "A percentage cannot be more than 100."))
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(("ends_at", "The end must be after the start."))
    chosen = {name: list(targets.get(name) or ()) for name in TARGET_FIELDS}
    if target == Discount.Target.PRODUCTS and not any(chosen.values()):
        problems.append(("target", "Choose at least one product, collection or category."))
    if instance is not None and usage_limit is not None and usage_limit < instance.times_used:
        problems.append(("usage_limit", f"It has been used {instance.times_used} times already."))
    if store is None:
        return problems
    if instance is not None and instance.pk and instance.store_id != store.pk and instance.codes.exists():
        problems.append(("store", "This discount has codes in its store; it cannot move to another store."))
    root = store.site.root_page
    for name, model in (("products", ProductPage), ("collections", CollectionPage)):
        ids = [page.pk for page in chosen[name]]
        if ids and model.objects.filter(pk__in=ids).exclude(pk__in=model.objects.descendant_of(root)).exists():
            problems.append((name, f"Choose only {name} of {store}."))
    return problems


def _raise(problems: Problems) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, reason in problems:
            errors.setdefault(field or "__all__", []).append(reason)
        raise ValidationError(errors)


@transaction.atomic
def discount_save(
    *,
    discount: Discount | None,
    store: Store | None = None,
    fields: dict[str, Any],
    targets: dict[str, Iterable[Model] | None] | None = None,
    may_publish: bool,
) -> Discount:
    """Create a discount (``discount=None``, in ``store``) or change one, all or nothing.

    ``fields`` holds any of ``DISCOUNT_FIELDS``; ``targets`` any of ``TARGET_FIELDS`` (a missing
    key keeps what the discount has). Raises ``PublishRefused`` when ``may_publish`` is false and
    the change would publish or unpublish, or touches a live discount; ``ValidationError`` naming
    each field at fault otherwise."""
    unknown = set(fields) - set(DISCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"Not discount fields: {sorted(unknown)}")
    targets = dict(targets or {})
    if discount is None:
        if store is None:
            raise CommerceError("Choose the discount's store.", field="store")
        discount = Discount(store=store)
        if not may_publish:
            if fields.get("is_active"):
                raise PublishRefused("Only a manager can publish a discount; save it as a draft.", field="is_active")
            fields = {**fields, "is_active": False}
    else:
        discount = locked(Discount.objects).select_related("store__site").get(pk=discount.pk)
        if not may_publish:
            if discount.is_active:
                raise PublishRefused("This discount is live: only a manager can change it (or unpublish it first).")
            if fields.get("is_active"):
                raise PublishRefused("Only a manager can publish a discount.", field="is_active")
    for name, value in fields.items():
        setattr(discount, name, value)
    current = {name: None if discount.pk is None else getattr(discount, name).all() for name in TARGET_FIELDS}
    _raise(
        discount_problems(
            store=discount.store,
            value_type=discount.value_type,
            value=discount.value,
            starts_at=discount.starts_at,
            ends_at=discount.ends_at,
            target=discount.target,
            targets={name: targets.get(name, current[name]) for name in TARGET_FIELDS},
            usage_limit=discount.usage_limit,
            instance=discount if discount.pk else None,
        )
    )
    discount.full_clean()
    discount.save()
    for name in TARGET_FIELDS:
        if name in targets:
            getattr(discount, name).set(list(targets[name] or ()))
    return discount


@transaction.atomic
def discount_set_published(*, discount: Discount, published: bool, may_publish: bool) -> Discount:
    """Publish or unpublish (deactivate) a discount; only who may publish may. Idempotent."""
    if not may_publish:
        raise PublishRefused("Only a manager can publish or unpublish a discount.")
    discount = locked(Discount.objects).select_related("store").get(pk=discount.pk)
    if discount.is_active != published:
        discount.is_active = published
        discount.save(update_fields=["is_active", "updated_at"])
    return discount


def discount_code_problem(*, store_id: int, code: str, exclude_pk: int | None = None) -> str | None:
    """Why ``code`` (normalised) cannot be a code in the store, or None."""
    if not code or any(ch.isspace() for ch in code):
        return "Enter a code without spaces."
    if len(code) > CODE_MAX_LENGTH:
        return f"A code has at most {CODE_MAX_LENGTH} characters."
    clashes = DiscountCode.objects.annotate(code_upper=Upper("code")).filter(store_id=store_id, code_upper=code)
    if clashes.exclude(pk=exclude_pk).exists():
        return f"{code} is already a code in {Store.objects.get(pk=store_id)}."
    return None


def discount_code_add(*, discount: Discount, code: str, usage_limit: int | None = None) -> DiscountCode:
    """One code for ``discount``, stored upper-case in its store; ``usage_limit`` None is unlimited."""
    code = normalize_code(code)
    problem = discount_code_problem(store_id=discount.store_id, code=code)
    if problem:
        raise CommerceError(problem, field="code")
    if usage_limit is not None and usage_limit < 1:
        raise CommerceError("Each code must be usable at least once (or leave the limit empty).", field="usage_limit")
    try:
        with transaction.atomic():
            return DiscountCode.objects.create(
                discount=discount, store_id=discount.store_id, code=code, usage_limit=usage_limit
            )
    except IntegrityError:  # the same code created meanwhile: the unique index decided
        raise CommerceError(f"{code} is already a code in {discount.store}.", field="code") from None


@transaction.atomic
def discount_code_set_active(*, code: DiscountCode, active: bool) -> DiscountCode:
    """Enable or disable a code (idempotent). Uses already counted stay counted."""
    code = locked(DiscountCode.objects).select_related("discount").get(pk=code.pk)
    if code.is_active != active:
        code.is_active = active
        code.save(update_fields=["is_active"])
    return code
