"""The checkout: contact, address, shipping, then placing the order and paying for it.

Placing is idempotent per checkout: the checkout row is locked, and a checkout that already has
an order returns it — a double click, a retry or the back button never make a second order.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from commerce.cart.models import Cart
from commerce.cart.selectors import cart_lines
from commerce.core.addresses import PostalAddress
from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.core.rls import grant
from commerce.orders.models import Order, OrderStatus
from commerce.orders.services import (
    NewOrderLine,
    NewOrderTotals,
    ShippingQuoteSnapshot,
    order_mark_paid,
    order_place,
)
from commerce.orders.stock import stock_reserve_for_order
from commerce.payments.gateway import get_gateway
from commerce.payments.interface import PaymentError, SetupIntentResult
from commerce.payments.models import Payment
from commerce.payments.services import (
    IN_FLIGHT,
    PaymentOutcome,
    payment_charge,
    payment_create_for_locked_order,
    payment_sync,
)
from commerce.promotions.discounts import discounts_redeem
from commerce.promotions.gift_cards import gift_card_redeem
from commerce.shipping.interface import AddressRejected
from commerce.shipping.quotes import shipping_quote
from commerce.shipping.rates import rate_for_code

from .lifecycle import order_abandon
from .models import Checkout
from .selectors import CheckoutSummary, checkout_summary


def checkout_for_cart(*, cart: Cart, customer=None) -> Checkout:
    checkout, created = Checkout.objects.get_or_create(
        cart=cart, defaults={"store": cart.store, "customer": customer if _authenticated(customer) else None}
    )
    if not created and _authenticated(customer) and checkout.customer_id != customer.pk:
        checkout.customer = customer
        checkout.save(update_fields=["customer", "updated_at"])
    if not checkout.email and _authenticated(customer):
        checkout.email = customer.email
        checkout.save(update_fields=["email", "updated_at"])
    return checkout


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _editable(checkout: Checkout) -> None:
    if checkout.order_id and Order.objects.filter(pk=checkout.order_id, payment_status="paid").exists():
        raise CommerceError("This checkout is complete.", code="complete")


def checkout_set_email(*, checkout: Checkout, email: str) -> Checkout:
    _editable(checkout)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise CommerceError("Enter a valid email address.", field="email") from None
    checkout.email = email
    checkout.save(update_fields=["email", "updated_at"])
    return checkout


def checkout_set_shipping_address(*, checkout: Checkout, address: PostalAddress) -> Checkout:
    _editable(checkout)
    if address.country.upper() not in checkout.store.shipping_country_codes:
        raise CommerceError(f"{checkout.store.name} does not ship to {address.country}.", field="country")
    for name in ("full_name", "line1", "city", "postal_code"):
        if not getattr(address, name).strip():
            raise CommerceError("This field is required.", field=name)
    _carrier_accepts(checkout, address)
    checkout.shipping_address = address.as_dict()
    if checkout.shipping_method_code:
        checkout.shipping_method_code = ""  # rates depend on the address; choose again
    checkout.save(update_fields=["shipping_address", "shipping_method_code", "updated_at"])
    return checkout


def _carrier_accepts(checkout: Checkout, address: PostalAddress) -> None:
    """When the store quotes live carrier rates, the carrier's address validation must accept the
    address (its message is the shopper's form error); an unreachable carrier lets it through."""
    lines = cart_lines(cart=checkout.cart, images=False) if checkout.cart_id else []
    if not lines:
        return
    try:
        shipping_quote(
            store=checkout.store,
            address=address,
            items=[(line.variant, line.quantity) for line in lines],
            subtotal=sum((line.unit_price * line.quantity for line in lines), Money.zero(checkout.store.currency)),
            weight_grams=sum(line.variant.shipping_weight_grams(checkout.store) * line.quantity for line in lines),
            validate=True,
        )
    except AddressRejected as exc:
        raise CommerceError(f"The carrier could not verify this address: {exc}", field="address") from exc


def checkout_set_shipping_method(*, checkout: Checkout, code: str, summary: CheckoutSummary | None = None) -> Checkout:
    """``summary``: the caller's own read of this checkout in the same request (the step's page
    offered its rates), so the rates are not computed twice."""
    _editable(checkout)
    if summary is None or summary.checkout.pk != checkout.pk:
        summary = checkout_summary(checkout=checkout, images=False)
    if summary.address is None:
        raise CommerceError("Enter a shipping address first.", field="shipping_method")
    rate = rate_for_code(summary.rates, code)
    if rate is None:
        raise CommerceError("Choose one of the shipping options offered.", field="shipping_method")
    checkout.shipping_method_code = rate.code
    checkout.save(update_fields=["shipping_method_code", "updated_at"])
    return checkout


def _ready(summary: CheckoutSummary) -> None:
    if not summary.lines:
        raise CommerceError("Your cart is empty.", field="cart")
    if summary.pricing is not None and summary.pricing.problems:
        problem = summary.pricing.problems[0]
        raise CommerceError(problem.message, field="discount_code", code=problem.reason)
    if not summary.checkout.email:
        raise CommerceError("Enter your email address.", field="email")
    if summary.address is None:
        raise CommerceError("Enter a shipping address.", field="shipping_address")
    if summary.shipping_rate is None:
        raise CommerceError("Choose a shipping option.", field="shipping_method")
    for line in summary.lines:
        if line.problem:
            raise CommerceError(line.problem, field="cart")


def _snapshot(summary: CheckoutSummary) -> tuple[list[NewOrderLine], NewOrderTotals]:
    priced = {line.key: line for line in summary.totals.lines}
    lines = [
        NewOrderLine(
            variant=line.variant,
            quantity=line.quantity,
            unit_price=priced[line.variant.pk].unit_price,
            subtotal=priced[line.variant.pk].subtotal,
            discount=priced[line.variant.pk].discount,
            tax=priced[line.variant.pk].tax,
            total=priced[line.variant.pk].total,
        )
        for line in summary.lines
    ]
    t = summary.totals
    totals = NewOrderTotals(
        subtotal=t.subtotal,
        shipping=t.shipping - t.shipping_discount,
        discount=t.discount_total,
        tax=t.tax_total,
        total=t.total,
        prices_include_tax=t.prices_include_tax,
    )
    return lines, totals


def _same_snapshot(order: Order, lines: list[NewOrderLine], totals: NewOrderTotals) -> bool:
    current = sorted((line.variant_id, line.quantity, line.unit_price) for line in order.lines.all())
    wanted = sorted((line.variant.pk, line.quantity, line.unit_price.amount) for line in lines)
    return current == wanted and order.total == totals.total.amount


@transaction.atomic
def checkout_place_order(
    *, checkout: Checkout, before_place: Callable[[CheckoutSummary, Order | None], None] | None = None
) -> Order:
    """The order for this checkout, created once. While it is unpaid and nothing is being charged,
    a changed cart replaces it (the old one is abandoned and gives everything back).

    ``before_place`` sees the checkout's summary, read once under the checkout's row lock, and the
    order it already has (or None) before anything is placed; it may refuse by raising."""
    return _place_order(checkout=checkout, before_place=before_place)


def _place_order(*, checkout: Checkout, before_place: Callable[[CheckoutSummary, Order | None], None] | None) -> Order:
    """``checkout_place_order`` in the caller's transaction, which commits or rolls it back whole."""
    # the cart comes in the same read (only the checkout's row is locked: ``locked`` takes ``OF self``)
    checkout = locked(Checkout.objects).select_related("store", "cart").get(pk=checkout.pk)
    order = locked(Order.objects).filter(pk=checkout.order_id).first() if checkout.order_id else None
    if order is not None and (order.is_paid or order.payments.filter(status__in=IN_FLIGHT).exists()):
        return order
    summary = checkout_summary(checkout=checkout, images=False)
    if before_place is not None:
        before_place(summary, order)
    _ready(summary)
    lines, totals = _snapshot(summary)
    if order is not None and order.status == OrderStatus.PENDING_PAYMENT:
        if _same_snapshot(order, lines, totals):
            stock_reserve_for_order(order=order)  # again, if a failed payment released it
            return order
        order_abandon(order=order, reason="The cart changed before payment.")
    order = order_place(
        store=checkout.store,
        checkout_token=checkout.token if order is None else None,
        customer=checkout.customer,
        email=checkout.email,
        shipping_address=summary.address,
        shipping_method_code=summary.shipping_rate.code,
        shipping_method_name=summary.shipping_rate.name,
        lines=lines,
        totals=totals,
        shipping_quote=_quote_snapshot(summary),
    )
    _redeem_promotions(order=order, summary=summary)
    checkout.order = order
    checkout.save(update_fields=["order", "updated_at"])
    if order.amount_due_by_card == 0:
        order = order_mark_paid(order=order, amount=Money.zero(order.currency), reference="gift cards")
    return order


def _quote_snapshot(summary: CheckoutSummary) -> ShippingQuoteSnapshot | None:
    rate = summary.shipping_rate
    if rate is None or not rate.is_live:
        return None
    return ShippingQuoteSnapshot(
        provider=rate.provider, rate_id=rate.rate_id, carrier=rate.carrier, service=rate.service
    )


def _redeem_promotions(*, order: Order, summary: CheckoutSummary) -> None:
    """Count the discount uses and take the gift card money, in the order's own transaction: if a
    single-use code or a card's balance was taken by someone else meanwhile, nothing is placed."""
    pricing = summary.pricing
    if pricing is None:
        return
    discounts_redeem(
        order=order, applied=pricing.discounts, customer=summary.checkout.customer, email=summary.checkout.email
    )
    cards = {card.pk: card for card in pricing.gift_cards}
    taken = Money.zero(order.currency)
    for applied in pricing.totals.gift_cards:
        gift_card_redeem(gift_card=cards[applied.key], order=order, amount=applied.amount)
        taken += applied.amount
    if taken:
        Order.objects.filter(pk=order.pk).update(gift_card_total=taken.amount)
        order.gift_card_total = taken.amount


def checkout_prepare_payment(*, checkout: Checkout) -> SetupIntentResult:
    """The card-entry step: a SetupIntent the browser confirms with Stripe.js (card data goes to
    the provider, never to Magpie). One per checkout until a card is used and fails."""
    gateway = get_gateway()
    if checkout.setup_intent_id:
        intent = gateway.retrieve_setup_intent(checkout.setup_intent_id)
        if intent.status in {"requires_payment_method", "requires_confirmation", "requires_action"}:
            return intent
    attempt = Checkout.objects.filter(pk=checkout.pk).values_list("payment_attempts", flat=True).get() + 1
    intent = gateway.create_setup_intent(
        idempotency_key=f"magpie-checkout-{checkout.token}-setup-{attempt}",
        metadata={"magpie_checkout": str(checkout.token)},
    )
    Checkout.objects.filter(pk=checkout.pk).update(setup_intent_id=intent.id, payment_attempts=attempt)
    checkout.setup_intent_id = intent.id
    checkout.payment_attempts = attempt
    return intent


class HoldRefused(CommerceError):
    """A visitor may not hold (more) stock right now: too many units, or too many holds."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="cart", code="hold_refused")


def checkout_pay(*, checkout: Checkout, before_hold: Callable[[], None] | None = None) -> PaymentOutcome:
    """Charge the card the shopper confirmed on this checkout's SetupIntent for its order. Never
    charges a paid order, or one with a payment in flight, again.

    Stock is reserved (the order placed) only once a payment can actually be attempted: the card
    is confirmed with the provider, or gift cards cover everything. Before that nothing is held,
    so posting the payment step without a card holds nothing. A hold is bounded: at most
    ``MAGPIE_HOLD_MAX_UNITS`` units, and ``before_hold`` (the view's per-visitor throttle) may
    refuse it by raising ``HoldRefused``.

    The confirmed card is asked of the provider first, outside any transaction; the checkout's
    summary is then read once, under the checkout's row lock, to decide whether a card is needed,
    bound the hold and place the order."""
    order = Order.objects.filter(pk=checkout.order_id).first() if checkout.order_id else None
    if order is not None:
        in_flight = order.payments.filter(status__in=IN_FLIGHT).order_by("-created_at").first()
        if order.is_paid or in_flight is not None:
            payment = in_flight or order.payments.filter(status=Payment.Status.SUCCEEDED).first()
            outcome = payment_sync(payment=payment) if payment is not None else PaymentOutcome(None, order, "paid")
            _finish(checkout, outcome)
            return outcome
    card = _ConfirmedCard.ask(checkout)

    def before_place(summary: CheckoutSummary, current: Order | None) -> None:
        card.needed = summary.totals.amount_due.amount > 0
        if card.needed:
            card.require()
        _check_hold(summary, order=current, before_hold=before_hold)

    order = None
    try:
        # The payment row is written by the placing transaction (which holds the order's lock or
        # created the order) and so committed with the order, before the provider is called.
        with transaction.atomic():
            order = _place_order(checkout=checkout, before_place=before_place)
            charge = not (order.is_paid or card.payment_method is None or card.needed is False)
            payment = payment_create_for_locked_order(order=order) if charge else None
    except CommerceError as exc:
        if exc.code != "payment_in_progress" or order is None:
            raise
        # Another request for this checkout (a double click) is charging the card right now; its
        # payment row committed before this request could lock the order (nothing here was written).
        payment = order.payments.filter(status__in=IN_FLIGHT).order_by("-created_at").first()
        if payment is None:
            raise
        return PaymentOutcome(payment, order, "pending", message="Your payment is being processed.")
    if payment is None:
        outcome = PaymentOutcome(None, order, "paid" if order.is_paid else "pending")
        _finish(checkout, outcome)
        return outcome
    try:
        outcome = payment_charge(payment=payment, order=order, payment_method=card.payment_method)
    except PaymentError as exc:
        raise CommerceError("We could not take the payment. Please try again.", field="payment_method") from exc
    _finish(checkout, outcome)
    return outcome


class _ConfirmedCard:
    """The payment method of this checkout's SetupIntent, once the provider confirmed the card; asked
    before knowing whether the order needs a card at all (gift cards may cover it), so a refusal is
    kept and raised only by ``require``."""

    def __init__(self, payment_method: str | None, problem: CommerceError | None) -> None:
        self.payment_method, self.problem = payment_method, problem
        self.needed: bool | None = None  # what the summary read under the lock said

    @classmethod
    def ask(cls, checkout: Checkout) -> _ConfirmedCard:
        if not checkout.setup_intent_id:
            return cls(None, CommerceError("Enter your card details.", field="payment_method"))
        try:
            setup = get_gateway().retrieve_setup_intent(checkout.setup_intent_id)
        except PaymentError:
            return cls(None, CommerceError("We could not reach the payment provider. Please try again."))
        if setup.status != "succeeded" or not setup.payment_method:
            return cls(None, CommerceError("Enter your card details.", field="payment_method"))
        return cls(setup.payment_method, None)

    def require(self) -> None:
        if self.payment_method is None:
            raise self.problem or CommerceError("Enter your card details.", field="payment_method")


def _check_hold(summary: CheckoutSummary, *, order: Order | None, before_hold: Callable[[], None] | None) -> None:
    units = sum(line.quantity for line in summary.lines)
    limit = settings.MAGPIE_HOLD_MAX_UNITS
    if units > limit:
        raise HoldRefused(f"One order can hold at most {limit} items; please split your order.")
    holding = (
        order is not None
        and order.status == OrderStatus.PENDING_PAYMENT
        and order.reservations.filter(status="active").exists()
    )
    if before_hold is not None and not holding:
        before_hold()


def checkout_confirm(*, checkout: Checkout) -> PaymentOutcome | None:
    """After the browser finished 3-D Secure: settle the in-flight payment from the provider."""
    if not checkout.order_id:
        return None
    payment = Payment.objects.filter(order_id=checkout.order_id).order_by("-created_at").first()
    if payment is None:
        return None
    outcome = (
        payment_sync(payment=payment)
        if payment.status in IN_FLIGHT
        else PaymentOutcome(payment, payment.order, "paid" if payment.status == Payment.Status.SUCCEEDED else "failed")
    )
    _finish(checkout, outcome)
    return outcome


def _finish(checkout: Checkout, outcome: PaymentOutcome) -> None:
    if outcome.status == "paid" and checkout.cart_id:
        # The cart goes; a guest saw the checkout and order through it. They keep seeing the order
        # they just paid for (its id is granted) for the rest of the request; later requests
        # use the signed order link.
        grant(order_ids=[outcome.order.pk])
        Cart.objects.filter(pk=checkout.cart_id).delete()
    elif outcome.status == "failed":
        # The card was refused: the next try needs a fresh SetupIntent for a new card.
        Checkout.objects.filter(pk=checkout.pk).update(setup_intent_id="")
        checkout.setup_intent_id = ""
