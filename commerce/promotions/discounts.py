"""Discounts on a cart: which apply, what each takes, and counting their uses against orders.

``discounts_evaluate`` is a read: the cart, the shopper and the codes they typed go in; the
discounts that apply (as ``DiscountApplication``s for the pricing pipeline) and a shopper-facing
problem for each refused code come out. ``discounts_redeem`` counts the uses when an order is
placed, under row locks; ``discounts_release`` gives them back when the order is cancelled or
fully refunded.

Rules, as decided:

- **Store.** A discount belongs to one store; a code of another store, of a draft discount, or
  of no discount at all is ``unknown``. Codes match case-insensitively, spaces trimmed; a code
  typed twice counts once.
- **Which discounts.** Published automatic discounts active at ``now`` (``Discount.status_at``:
  ``starts_at`` inclusive, ``ends_at`` exclusive), and the discounts of the codes entered.
- **Minimum subtotal** is compared with the whole cart's subtotal before any discount — what the
  shopper sees as "Subtotal" — whatever the discount targets.
- **Minimum quantity** counts the items the discount targets (every item for a whole-order
  discount): "buy 3 from the sale collection" means 3 sale items.
- **Shopper.** "Once per customer" and "first order only" match a signed-in customer by account
  *or* by email (so signing in does not reopen a code used as a guest), and a guest by email. A
  guest with no email yet passes both; the order is evaluated again, with the email, when it is
  placed, and ``discounts_redeem`` checks once-per-customer again under a lock.
- **Targets.** The whole order, or the lines whose product is one of the discount's products,
  is listed by one of its collections (``collection_scope``, as the storefront lists it) or is in
  one of its categories.
- **Values.** A percentage of each eligible line, rounded per line; a fixed amount shared across
  eligible lines in proportion to their amounts (the last line takes the rounding remainder),
  never more than they hold; free shipping takes the whole shipping price — zero until a rate is
  chosen, so it shows as applied early. Free shipping with product targets needs one targeted
  item in the cart.
- **Order and stacking.** Candidates apply in (priority, pk) order. One applies when nothing is
  applied yet, or when it and every applied discount are stackable; a code that cannot is refused
  as ``not_combinable`` naming the discount it clashes with (automatic ones are skipped
  silently). Each discount works on what earlier ones left, so percentages stack on reduced
  prices and nothing goes below zero. A code that would take nothing is ``not_applicable``.
- **Checks, in order** (the first failing one is the problem reported): unknown → not started /
  expired → usage limits (discount, then code) → login → first order → once per customer →
  minimum subtotal → minimum quantity → targets → stacking.
- **Money.** Every amount is in the store's currency; a line or shipping price in another
  currency is a programming error (``CurrencyMismatch``).
- **Queries.** A fixed number whatever the number of lines: one for the codes entered, one for
  automatic discounts, one for product/category/collection targets (plus a few per targeted
  collection), one for once-per-customer and one for the first-order check — each only when
  something needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Upper

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import CurrencyMismatch, Money
from commerce.orders.models import Order
from commerce.stores.models import Store

from . import discount_rules as rules
from .models import Discount, DiscountCode, DiscountRedemption
from .signals import discount_uses_released
from .types import DiscountApplication

CODE_PROBLEM_REASONS = (
    "unknown",
    "expired",
    "not_started",
    "minimum_not_met",
    "already_used",
    "not_combinable",
    "login_required",
    "first_order_only",
    "not_applicable",
)


@dataclass(frozen=True)
class DiscountLine:
    """One cart line as discounts see it."""

    key: int  # the variant id (the pricing line key)
    product_id: int  # ProductPage pk
    category_ids: frozenset[int]
    unit_price: Money
    quantity: int


@dataclass(frozen=True)
class DiscountContext:
    store: Store
    lines: tuple[DiscountLine, ...]
    shipping: Money | None  # the chosen shipping price, None before it is chosen
    customer: AbstractBaseUser | None  # authenticated user or None
    email: str  # checkout email ("" when unknown yet)
    codes: tuple[str, ...]  # codes the shopper entered, as typed
    now: datetime  # timezone-aware
    # An unpaid order of this same checkout that is about to be replaced: the uses it holds are
    # the shopper's own and do not count against them (a single-use code stays usable).
    replaces_order_id: int | None = None


@dataclass(frozen=True)
class EligibleDiscount:
    discount: Discount
    code: DiscountCode | None
    application: DiscountApplication


@dataclass(frozen=True)
class CodeProblem:
    code: str  # as typed
    reason: str  # one of CODE_PROBLEM_REASONS
    message: str  # a shopper-facing sentence


@dataclass(frozen=True)
class DiscountResult:
    applied: tuple[EligibleDiscount, ...]
    problems: tuple[CodeProblem, ...]


def discount_code_find(*, store: Store, code: str) -> DiscountCode | None:
    """The store's code matching ``code`` (case-insensitive, spaces trimmed), with its discount."""
    normalized = rules.normalize_code(code)
    if not normalized:
        return None
    return (
        DiscountCode.objects.select_related("discount")
        .annotate(code_upper=Upper("code"))
        .filter(store=store, discount__store=store, code_upper=normalized)
        .first()
    )


def discount_code_live(*, store: Store, code: str, now: datetime) -> DiscountCode | None:
    """The store's code matching ``code`` when it can still apply to some cart (published, started,
    not ended, neither it nor its discount used up); None otherwise, the same None for a code that
    does not exist, so the answer to a shopper typing it tells no guesser which codes exist."""
    found = discount_code_find(store=store, code=code)
    if found is None or not found.is_active:
        return None
    label = code.strip()
    if rules.status_problem(found.discount, label=label, now=now, uses=found.discount.times_used) is not None:
        return None
    if found.usage_limit is not None and found.times_used >= found.usage_limit:
        return None
    return found


def discounts_evaluate(ctx: DiscountContext) -> DiscountResult:
    """The discounts that apply to the cart, in the order they apply, and a problem per refused code."""
    ctx = _checked(ctx)
    currency = ctx.store.currency
    problems: dict[str, CodeProblem] = {}

    def refuse(candidate: rules.Candidate, problem: rules.Problem) -> None:
        if candidate.code is not None:
            key = rules.normalize_code(candidate.typed)
            problems[key] = CodeProblem(candidate.typed, problem.reason, problem.message)

    candidates, unknown = rules.candidates_load(ctx)
    for typed, problem in unknown:
        problems[rules.normalize_code(typed)] = CodeProblem(typed, problem.reason, problem.message)
    viable = []
    for candidate in candidates:
        if candidate.problem is not None:
            refuse(candidate, candidate.problem)
        else:
            viable.append(candidate)
    facts = rules.facts_load(ctx, [c.discount for c in viable], replaces_order_id=ctx.replaces_order_id)
    remaining = {line.key: line.unit_price * line.quantity for line in ctx.lines}
    shipping_left = ctx.shipping if ctx.shipping is not None else Money.zero(currency)
    applied: list[EligibleDiscount] = []
    for candidate in viable:
        discount = candidate.discount
        eligible = rules.eligible_lines(discount, ctx.lines, facts)
        problem = rules.condition_problem(discount, label=candidate.label, ctx=ctx, eligible=eligible, facts=facts)
        if problem is None and applied:
            clash = next((a.discount for a in applied if not (a.discount.combinable and discount.combinable)), None)
            if clash is not None:
                problem = rules.Problem("not_combinable", f"{candidate.label} cannot be combined with {clash.name}.")
        if problem is not None:
            refuse(candidate, problem)
            continue
        taken = rules.line_amounts(discount, eligible=eligible, remaining=remaining, currency=currency)
        shipping_taken = None
        if discount.value_type == Discount.ValueType.FREE_SHIPPING:
            shipping_taken = shipping_left
        elif not taken:
            message = f"Your other discounts leave nothing for {candidate.label} to take off."
            refuse(candidate, rules.Problem("not_applicable", message))
            continue
        for key, amount in taken.items():
            remaining[key] -= amount
        if shipping_taken is not None:
            shipping_left -= shipping_taken
        application = DiscountApplication(
            label=discount.name,
            line_amounts=dict(taken),
            shipping_amount=shipping_taken,
            code=candidate.code.code if candidate.code is not None else "",
        )
        applied.append(EligibleDiscount(discount=discount, code=candidate.code, application=application))

    ordered = [problems[key] for key in dict.fromkeys(rules.normalize_code(c) for c in ctx.codes) if key in problems]
    return DiscountResult(applied=tuple(applied), problems=tuple(ordered))


def _checked(ctx: DiscountContext) -> DiscountContext:
    currency = ctx.store.currency
    for line in ctx.lines:
        if line.unit_price.currency != currency:
            raise CurrencyMismatch(f"Line {line.key} is priced in {line.unit_price.currency}, the store in {currency}.")
    if ctx.shipping is not None and ctx.shipping.currency != currency:
        raise CurrencyMismatch(f"Shipping is priced in {ctx.shipping.currency}, the store in {currency}.")
    if ctx.now.tzinfo is None:
        raise ValueError("DiscountContext.now must be timezone-aware.")
    customer = ctx.customer if getattr(ctx.customer, "is_authenticated", False) else None
    return replace(ctx, customer=customer, email=ctx.email.strip())


# --- Counting uses ------------------------------------------------------------------------------


def discounts_redeem(
    *, order: Order, applied: Sequence[EligibleDiscount], customer, email: str
) -> list[DiscountRedemption]:
    """Count one use of each applied discount (and code) by ``order`` and record what it took.

    Locks the discounts, then the codes, in primary-key order, and checks the limits again under
    the lock: a single-use code taken meanwhile by another order raises ``CommerceError``
    (code ``already_used``) and the caller's transaction rolls back. Redeeming the same discount
    for the same order again returns the existing redemption without counting twice."""
    if not applied:
        return []
    customer = customer if getattr(customer, "is_authenticated", False) else None
    email = email.strip()
    with transaction.atomic():
        discount_ids = sorted({e.discount.pk for e in applied})
        code_ids = sorted({e.code.pk for e in applied if e.code is not None})
        discounts = {d.pk: d for d in locked(Discount.objects.filter(pk__in=discount_ids).order_by("pk"))}
        codes = {c.pk: c for c in locked(DiscountCode.objects.filter(pk__in=code_ids).order_by("pk"))}
        existing = {r.discount_id: r for r in DiscountRedemption.objects.filter(order=order)}
        once = [pk for pk in discount_ids if discounts[pk].once_per_customer]
        used = rules.shopper_used_discounts(
            discount_ids=once, customer=customer, email=email, exclude_order_id=order.pk
        )
        redemptions: list[DiscountRedemption] = []
        new: list[DiscountRedemption] = []
        once_each: dict[int, EligibleDiscount] = {}
        for eligible in applied:
            once_each.setdefault(eligible.discount.pk, eligible)
        for eligible in once_each.values():
            discount = discounts[eligible.discount.pk]
            code = codes[eligible.code.pk] if eligible.code is not None else None
            previous = existing.get(discount.pk)
            if previous is not None and not previous.released:
                redemptions.append(previous)
                continue
            _check_redeemable(order, eligible, discount, code, already_used_by_shopper=discount.pk in used)
            redemption = _redemption(order, eligible, code, customer=customer, email=email)
            if previous is not None:  # released earlier: the same row counts again
                for name in ("code", "customer", "email", "label", "amount", "line_amounts", "shipping_amount"):
                    setattr(previous, name, getattr(redemption, name))
                previous.released = False
                previous.save()
                redemption = previous
            else:
                new.append(redemption)
            redemptions.append(redemption)
            Discount.objects.filter(pk=discount.pk).update(times_used=F("times_used") + 1)
            if code is not None:
                DiscountCode.objects.filter(pk=code.pk).update(times_used=F("times_used") + 1)
        DiscountRedemption.objects.bulk_create(new)
        return redemptions


def _check_redeemable(
    order: Order,
    eligible: EligibleDiscount,
    discount: Discount,
    code: DiscountCode | None,
    *,
    already_used_by_shopper: bool,
) -> None:
    label = code.code if code is not None else discount.name
    if discount.store_id != order.store_id or (code is not None and code.discount_id != discount.pk):
        raise CommerceError(f"{label} cannot be used in this store.", field="discount_code", code="unknown")
    amounts = [*eligible.application.line_amounts.values(), eligible.application.shipping_amount]
    if any(amount is not None and amount.currency != order.currency for amount in amounts):
        raise CurrencyMismatch(f"{label}'s amounts are not in the order's currency ({order.currency}).")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise CommerceError(f"{label} has just reached its usage limit.", field="discount_code", code="already_used")
    if code is not None and code.usage_limit is not None and code.times_used >= code.usage_limit:
        raise CommerceError(f"{label} has just been used.", field="discount_code", code="already_used")
    if already_used_by_shopper:
        raise CommerceError(f"You have already used {label}.", field="discount_code", code="already_used")


def _redemption(
    order: Order, eligible: EligibleDiscount, code: DiscountCode | None, *, customer, email: str
) -> DiscountRedemption:
    application = eligible.application
    zero = Money.zero(order.currency)
    shipping = application.shipping_amount or zero
    return DiscountRedemption(
        discount_id=eligible.discount.pk,
        code=code,
        order=order,
        customer=customer,
        email=email or order.email,
        label=application.label,
        amount=(sum(application.line_amounts.values(), zero) + shipping).amount,
        line_amounts={str(key): str(amount.amount) for key, amount in application.line_amounts.items()},
        shipping_amount=shipping.amount,
    )


def discounts_release(*, order: Order) -> int:
    """Give back the uses ``order`` holds (it was cancelled or fully refunded). Idempotent: the
    redemptions stay as a record, marked released; returns how many were released now."""
    with transaction.atomic():
        # Lock in the order ``discounts_redeem`` does: discounts, codes, then redemptions.
        unreleased = DiscountRedemption.objects.filter(order=order, released=False)
        ids = list(unreleased.values_list("discount_id", "code_id"))
        if not ids:
            return 0
        list(locked(Discount.objects.filter(pk__in={d for d, _ in ids}).order_by("pk")).values_list("pk"))
        list(locked(DiscountCode.objects.filter(pk__in={c for _, c in ids if c}).order_by("pk")).values_list("pk"))
        held = list(locked(unreleased.order_by("pk")))
        # One redemption per (order, discount) and per (order, code): each counter drops by one.
        Discount.objects.filter(pk__in={r.discount_id for r in held}).update(
            times_used=Greatest(F("times_used") - 1, 0)
        )
        DiscountCode.objects.filter(pk__in={r.code_id for r in held if r.code_id}).update(
            times_used=Greatest(F("times_used") - 1, 0)
        )
        DiscountRedemption.objects.filter(pk__in=[r.pk for r in held]).update(released=True)
        if order.paid_at is not None:  # the reports' summary of its payment day changes
            order_id = order.pk
            transaction.on_commit(lambda: discount_uses_released.send(sender=DiscountRedemption, order_id=order_id))
        return len(held)
