"""The rules behind ``discounts_evaluate``: the facts a cart's discounts need (read in a fixed
number of queries), the conditions a discount sets, the lines it targets and what it takes.

Everything here works on what ``discounts.py`` hands it; the public API and the decisions are
documented there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Upper
from wagtail.models import Page

from commerce.catalog.models import CollectionPage
from commerce.catalog.selectors import collection_scope
from commerce.core.money import Money
from commerce.core.rls import runs_as_system
from commerce.orders.models import Order, PaymentStatus

from .models import Discount, DiscountCode, DiscountRedemption

if TYPE_CHECKING:
    from .discounts import DiscountContext, DiscountLine

PAID_STATUSES = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)

_PRODUCT, _CATEGORY, _COLLECTION = 1, 2, 3


@dataclass(frozen=True)
class Problem:
    reason: str
    message: str


@dataclass
class Facts:
    """What the conditions and targets of a cart's candidate discounts depend on."""

    target_products: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    target_categories: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    used_by_shopper: set[int] = field(default_factory=set)
    has_paid_order: bool = False


def shopper_q(*, customer, email: str) -> Q | None:
    """Rows (orders, redemptions) belonging to the shopper: a customer by account or by email, a
    guest by email. ``None`` when nothing identifies the shopper yet (a guest before the email step)."""
    by_email = Q(email__iexact=email) if email else None
    if customer is None:
        return by_email
    by_account = Q(customer=customer)
    return by_account | by_email if by_email is not None else by_account


@runs_as_system("discount_eligibility")
def shopper_used_discounts(
    *, discount_ids: Iterable[int], customer, email: str, exclude_order_id: int | None = None
) -> set[int]:
    """Which of these discounts this shopper already holds an unreleased use of (none when nobody
    is known). "Once per customer" counts the shopper's other orders too, including guest orders
    under the same email that this visitor cannot see: the one check that reads across customers,
    so it runs under a named system context and returns only discount ids."""
    who = shopper_q(customer=customer, email=email)
    if who is None:
        return set()
    used = DiscountRedemption.objects.filter(who, discount_id__in=list(discount_ids), released=False)
    if exclude_order_id is not None:
        used = used.exclude(order_id=exclude_order_id)
    return set(used.values_list("discount_id", flat=True))


@runs_as_system("discount_eligibility")
def shopper_has_paid_order(*, store, customer, email: str) -> bool:
    """Whether the shopper (by account or email, across guest orders too) has paid for an order here."""
    who = shopper_q(customer=customer, email=email)
    if who is None:
        return False
    return Order.objects.filter(who, store=store, payment_status__in=PAID_STATUSES).exists()


def facts_load(ctx: DiscountContext, discounts: Sequence[Discount], *, replaces_order_id: int | None) -> Facts:
    """One query each for targets, once-per-customer and first order, skipped when no discount
    needs it; collection targets add a few queries per targeted collection, never per line."""
    facts = Facts()
    targeted = [d.pk for d in discounts if d.target == Discount.Target.PRODUCTS]
    if targeted:
        _load_targets(ctx, targeted, facts)
    once = [d.pk for d in discounts if d.once_per_customer]
    if once:
        facts.used_by_shopper = shopper_used_discounts(
            discount_ids=once, customer=ctx.customer, email=ctx.email, exclude_order_id=replaces_order_id
        )
    if any(d.first_order_only for d in discounts):
        facts.has_paid_order = shopper_has_paid_order(store=ctx.store, customer=ctx.customer, email=ctx.email)
    return facts


def _load_targets(ctx: DiscountContext, discount_ids: list[int], facts: Facts) -> None:
    """The discounts' products, categories and collections in one query over the three link tables."""

    def links(relation, column: str, kind: int) -> QuerySet:
        return (
            relation.through.objects.filter(discount_id__in=discount_ids)
            .annotate(kind=Value(kind, output_field=IntegerField()))
            .values_list("discount_id", "kind", column)
            .order_by()
        )

    rows = links(Discount.products, "productpage_id", _PRODUCT).union(
        links(Discount.categories, "category_id", _CATEGORY),
        links(Discount.collections, "collectionpage_id", _COLLECTION),
        all=True,
    )
    by_collection: dict[int, set[int]] = defaultdict(set)
    for discount_id, kind, target_id in rows:
        if kind == _PRODUCT:
            facts.target_products[discount_id].add(target_id)
        elif kind == _CATEGORY:
            facts.target_categories[discount_id].add(target_id)
        else:
            by_collection[target_id].add(discount_id)
    cart_products = {line.product_id for line in ctx.lines}
    if by_collection and cart_products:
        for collection_id, product_id in _collection_members(ctx, by_collection.keys(), cart_products):
            for discount_id in by_collection[collection_id]:
                facts.target_products[discount_id].add(product_id)


def _collection_members(ctx: DiscountContext, collection_ids: Iterable[int], product_ids: set[int]) -> list:
    """(collection id, product id) for the cart's products listed by each collection, as the
    storefront lists them (``collection_scope``), in one query after loading the collections."""
    root = Page.objects.get(sites_rooted_here=ctx.store.site_id)
    collections = CollectionPage.objects.filter(pk__in=list(collection_ids)).prefetch_related("rule_categories")
    members = [
        collection_scope(collection=collection, root=root)
        .products.filter(pk__in=product_ids)
        .annotate(collection_id=Value(collection.pk, output_field=IntegerField()))
        .values_list("collection_id", "pk")
        .order_by()
        for collection in collections
    ]
    if not members:
        return []
    return list(members[0].union(*members[1:], all=True))


def normalize_code(code: str) -> str:
    return code.strip().upper()


@dataclass
class Candidate:
    """A discount that may apply: automatic, or through the code the shopper typed."""

    discount: Discount
    code: DiscountCode | None = None
    typed: str = ""
    problem: Problem | None = None  # a status or usage problem found on loading

    @property
    def label(self) -> str:
        return self.typed.strip() or self.discount.name


def candidates_load(ctx: DiscountContext) -> tuple[list[Candidate], list[tuple[str, Problem]]]:
    """The typed codes' discounts and the active automatic ones, one per discount, by
    (priority, pk), each with its status or usage problem; and the typed codes that lead nowhere."""
    typed: dict[str, str] = {}
    for code in ctx.codes:
        typed.setdefault(normalize_code(code), code)
    typed.pop("", None)
    found: dict[str, DiscountCode] = {}
    if typed:
        codes = (
            DiscountCode.objects.select_related("discount")
            .annotate(code_upper=Upper("code"))
            .filter(store=ctx.store, discount__store=ctx.store, code_upper__in=list(typed))
        )
        found = {code.code_upper: code for code in codes}
    by_discount: dict[int, Candidate] = {}
    unknown: list[tuple[str, Problem]] = []
    for normalized, as_typed in typed.items():
        code = found.get(normalized)
        label = as_typed.strip()
        if code is None or not code.is_active or not code.discount.is_active:
            unknown.append((as_typed, not_a_code(label)))
        elif code.discount_id in by_discount:  # a second code of the same discount
            message = f"{label} cannot be combined with {code.discount.name}."
            unknown.append((as_typed, Problem("not_combinable", message)))
        else:
            by_discount[code.discount_id] = Candidate(code.discount, code, as_typed)
    automatic = Discount.objects.filter(
        Q(starts_at__isnull=True) | Q(starts_at__lte=ctx.now),
        Q(ends_at__isnull=True) | Q(ends_at__gt=ctx.now),
        store=ctx.store,
        kind=Discount.Kind.AUTOMATIC,
        is_active=True,
    )
    for discount in automatic:
        by_discount.setdefault(discount.pk, Candidate(discount))
    own_uses = _own_uses(ctx.replaces_order_id)
    candidates = sorted(by_discount.values(), key=lambda c: (c.discount.priority, c.discount.pk))
    for candidate in candidates:
        candidate.problem = _usage_problem(candidate, now=ctx.now, own_uses=own_uses)
    return candidates, unknown


def _own_uses(order_id: int | None) -> set[tuple[str, int]]:
    """The discounts and codes an order being replaced holds, as ("discount"|"code", pk)."""
    if order_id is None:
        return set()
    held = DiscountRedemption.objects.filter(order_id=order_id, released=False).values_list("discount_id", "code_id")
    return {("discount", d) for d, _ in held} | {("code", c) for _, c in held if c is not None}


def _usage_problem(candidate: Candidate, *, now: datetime, own_uses: set[tuple[str, int]]) -> Problem | None:
    discount, code = candidate.discount, candidate.code
    uses = discount.times_used - (("discount", discount.pk) in own_uses)
    problem = status_problem(discount, label=candidate.label, now=now, uses=uses)
    if problem is not None or code is None or code.usage_limit is None:
        return problem
    if code.times_used - (("code", code.pk) in own_uses) >= code.usage_limit:
        return not_a_code(candidate.label)
    return None


def discount_status_q(status: str, now: datetime) -> Q:
    """Discounts whose ``status_at(now)`` is ``status``, as a database condition (admin filter)."""
    published = Q(is_active=True)
    if status == Discount.Status.DRAFT:
        return ~published
    if status == Discount.Status.SCHEDULED:
        return published & Q(starts_at__gt=now)
    started = published & (Q(starts_at__isnull=True) | Q(starts_at__lte=now))
    running = (Q(ends_at__isnull=True) | Q(ends_at__gt=now)) & (
        Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit"))
    )
    if status == Discount.Status.ACTIVE:
        return started & running
    if status == Discount.Status.EXPIRED:
        return started & (Q(ends_at__lte=now) | Q(usage_limit__isnull=False, times_used__gte=F("usage_limit")))
    raise ValueError(f"{status!r} is not a discount status.")


# --- Targets and conditions ---------------------------------------------------------------------


def eligible_lines(discount: Discount, lines: Sequence[DiscountLine], facts: Facts) -> list[DiscountLine]:
    """The lines a discount applies to: all of them for the whole order, else the lines whose
    product is targeted (directly or through a collection) or in a targeted category."""
    if discount.target == Discount.Target.ORDER:
        return list(lines)
    products = facts.target_products.get(discount.pk, set())
    categories = facts.target_categories.get(discount.pk, set())
    return [line for line in lines if line.product_id in products or line.category_ids & categories]


def status_problem(discount: Discount, *, label: str, now: datetime, uses: int) -> Problem | None:
    """Draft, scheduled, past its end, or used up. ``uses`` is the discount's count of uses that
    are not the shopper's own (see ``DiscountContext.replaces_order_id``).

    All four answer exactly as an unknown code does: telling "expired" or "used up" from "unknown"
    would let a guesser learn which codes exist (issue 9). Reasons that only a live code reaches
    (minimum spend, sign-in, first order...) stay helpful."""
    status = discount.status_at(now)
    if status in (Discount.Status.DRAFT, Discount.Status.SCHEDULED):
        return not_a_code(label)
    if discount.ends_at is not None and now >= discount.ends_at:
        return not_a_code(label)
    if discount.usage_limit is not None and uses >= discount.usage_limit:
        return not_a_code(label)
    return None


def not_a_code(label: str) -> Problem:
    """The one answer for a code that does not exist or can never apply again."""
    return Problem("unknown", f"{label} is not a valid discount code.")


def condition_problem(
    discount: Discount, *, label: str, ctx: DiscountContext, eligible: Sequence[DiscountLine], facts: Facts
) -> Problem | None:
    """The first condition the cart or the shopper does not meet, in the order a shopper can act on."""
    if discount.requires_login and ctx.customer is None:
        return Problem("login_required", f"Sign in to use {label}.")
    if discount.first_order_only and facts.has_paid_order:
        return Problem("first_order_only", f"{label} is for a first order only.")
    if discount.once_per_customer and discount.pk in facts.used_by_shopper:
        return Problem("already_used", f"You have already used {label}.")
    currency = ctx.store.currency
    if discount.min_subtotal is not None:
        minimum = Money(discount.min_subtotal, currency)
        if sum((line.unit_price * line.quantity for line in ctx.lines), Money.zero(currency)) < minimum:
            return Problem("minimum_not_met", f"Spend {minimum} or more to use {label}.")
    if discount.min_quantity and sum(line.quantity for line in eligible) < discount.min_quantity:
        items = "items" if discount.target == Discount.Target.ORDER else "eligible items"
        return Problem("minimum_not_met", f"Add {discount.min_quantity} or more {items} to use {label}.")
    if not eligible:
        return Problem("not_applicable", f"{label} does not apply to anything in your cart.")
    return None


# --- Values -------------------------------------------------------------------------------------


def line_amounts(
    discount: Discount, *, eligible: Sequence[DiscountLine], remaining: dict[int, Money], currency: str
) -> dict[int, Money]:
    """What the discount takes from each eligible line, out of what earlier discounts left."""
    left = [(line.key, remaining[line.key]) for line in eligible if remaining[line.key].amount > 0]
    if discount.value_type == Discount.ValueType.PERCENTAGE:
        rate = min(discount.value, Decimal(100)) / Decimal(100)
        taken = {key: min(amount * rate, amount) for key, amount in left}
    elif discount.value_type == Discount.ValueType.FIXED:
        taken = spread(Money(discount.value, currency), left, currency=currency)
    else:
        return {}
    return {key: amount for key, amount in taken.items() if amount.amount > 0}


def spread(total: Money, parts: Sequence[tuple[int, Money]], *, currency: str) -> dict[int, Money]:
    """Share ``total`` across ``parts`` in proportion to their amounts, never more than a part
    holds nor than all of them together; each share is rounded and the last takes the remainder."""
    whole = sum((amount for _, amount in parts), Money.zero(currency))
    if not parts or whole.amount <= 0 or total.amount <= 0:
        return {}
    total = min(total, whole)
    shares: dict[int, Money] = {}
    given = Money.zero(currency)
    for index, (key, amount) in enumerate(parts):
        if index == len(parts) - 1:
            share = total - given
        else:
            share = Money(total.amount * amount.amount / whole.amount, currency)
        share = max(min(share, amount), Money.zero(currency))
        shares[key] = share
        given += share
    # Rounding can leave a cent or two the last part had no room for: give them to parts that do.
    for key, amount in parts:
        short = total - given
        if short.amount <= 0:
            break
        extra = min(short, amount - shares[key])
        shares[key] += extra
        given += extra
    return shares
