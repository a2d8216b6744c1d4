"""Writes to carts. Quantities are checked against available stock; prices are never taken from
the client — a line stores a variant and a quantity, and pricing reads the variant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from commerce.catalog.availability import available_stock, with_available_stock
from commerce.catalog.models import ProductVariant
from commerce.core.exceptions import CommerceError, NotFound, OutOfStock
from commerce.core.locking import locked
from commerce.stores.models import Store

from .models import MAX_LINES_PER_CART, MAX_QUANTITY_PER_LINE, Cart, CartLine


def _checked_quantity(value: object, *, allow_zero: bool = False) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise CommerceError("Enter a whole number.", field="quantity") from None
    lower = 0 if allow_zero else 1
    if quantity < lower:
        raise CommerceError(f"The quantity must be at least {lower}.", field="quantity")
    if quantity > MAX_QUANTITY_PER_LINE:
        raise CommerceError(f"You can buy at most {MAX_QUANTITY_PER_LINE} of one item.", field="quantity")
    return quantity


def _buyable_variant(*, store: Store, variant_id: object) -> ProductVariant:
    try:
        pk = int(str(variant_id))
    except (TypeError, ValueError):
        raise NotFound("Choose an option to add to the cart.", field="variant_id") from None
    variant = (
        with_available_stock(ProductVariant.objects.select_related("product"))
        .filter(pk=pk, store=store, is_active=True, product__live=True)
        .first()
    )
    if variant is None:
        raise NotFound("That item is not available.", field="variant_id")
    return variant


def _check_stock(variant: ProductVariant, quantity: int) -> None:
    available = variant.available_quantity
    if available <= 0:
        raise OutOfStock(f"{variant.product.title} is sold out.")
    if quantity > available:
        raise OutOfStock(f"Only {available} of {variant.product.title} ({variant.label}) left.")


def cart_create(*, store: Store, customer=None, token: uuid.UUID | None = None) -> Cart:
    """The customer's cart for ``store`` (made if missing), or a new visitor cart. Under row-level
    security a visitor's new cart is only visible once its ``token`` is granted: the caller picks
    the token and grants it first (see ``commerce.cart.session``)."""
    if customer is not None:
        cart, _ = Cart.objects.get_or_create(store=store, customer=customer)
        return cart
    return Cart.objects.create(store=store, token=token or uuid.uuid4())


@transaction.atomic
def cart_add_line(*, cart: Cart, variant_id: object, quantity: object) -> CartLine:
    quantity = _checked_quantity(quantity)
    locked(Cart.objects).filter(pk=cart.pk).first()  # serialise writes to one cart
    variant = _buyable_variant(store=cart.store, variant_id=variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    new_quantity = quantity + (line.quantity if line else 0)
    if new_quantity > MAX_QUANTITY_PER_LINE:
        raise CommerceError(f"You can buy at most {MAX_QUANTITY_PER_LINE} of one item.", field="quantity")
    _check_stock(variant, new_quantity)
    if line is None:
        if CartLine.objects.filter(cart=cart).count() >= MAX_LINES_PER_CART:
            raise CommerceError(f"A cart holds at most {MAX_LINES_PER_CART} different items.", field="variant_id")
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=new_quantity)
    else:
        line.quantity = new_quantity
        line.save(update_fields=["quantity"])
    _touch(cart)
    return line


@dataclass(frozen=True)
class AddedToCart:
    line: CartLine
    added: int
    requested: int

    @property
    def capped(self) -> bool:
        return self.added < self.requested


@transaction.atomic
def cart_add_available(*, cart: Cart, variant_id: object, quantity: object) -> AddedToCart:
    """Add ``quantity``, or as many as are left when fewer are (the shopper is told, not refused);
    refused only when none are left to add."""
    requested = _checked_quantity(quantity)
    locked(Cart.objects).filter(pk=cart.pk).first()  # serialise writes to one cart
    variant = _buyable_variant(store=cart.store, variant_id=variant_id)
    in_cart = CartLine.objects.filter(cart=cart, variant=variant).values_list("quantity", flat=True).first() or 0
    room = min(variant.available_quantity, MAX_QUANTITY_PER_LINE) - in_cart
    if room <= 0 and in_cart:
        raise OutOfStock(f"All {in_cart} of {variant.product.title} left are already in your cart.")
    added = max(1, min(requested, room))  # room <= 0 with nothing in the cart: sold out, said by the add
    line = cart_add_line(cart=cart, variant_id=variant.pk, quantity=added)
    return AddedToCart(line=line, added=added, requested=requested)


@transaction.atomic
def cart_set_quantity(*, cart: Cart, line_id: object, quantity: object) -> CartLine | None:
    """Set a line's quantity; zero removes the line (and returns None)."""
    quantity = _checked_quantity(quantity, allow_zero=True)
    line = _line(cart=cart, line_id=line_id)
    if quantity == 0:
        line.delete()
        return None
    _check_stock(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    _touch(cart)
    return line


@transaction.atomic
def cart_remove_line(*, cart: Cart, line_id: object) -> None:
    _line(cart=cart, line_id=line_id).delete()


def _line(*, cart: Cart, line_id: object) -> CartLine:
    try:
        pk = int(str(line_id))
    except (TypeError, ValueError):
        raise NotFound("That line is not in your cart.", field="line_id") from None
    line = locked(CartLine.objects).select_related("variant__product").filter(pk=pk, cart=cart).first()
    if line is None:
        raise NotFound("That line is not in your cart.", field="line_id")
    return line


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move the visitor's cart into the customer's on log-in. Quantities add up, capped by stock."""
    if source.pk == target.pk:
        return target
    if source.store_id != target.store_id:
        raise CommerceError("Carts of different stores cannot be merged.")
    carts = list(locked(Cart.objects).filter(pk__in=[source.pk, target.pk]).order_by("pk"))
    if len(carts) < 2:
        return target
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=target).select_related("variant")}
    incoming = list(CartLine.objects.filter(cart=source).select_related("variant"))
    available = available_stock(line.variant_id for line in incoming)
    for line in incoming:
        line.variant.stock_available = available.get(line.variant_id, 0)
        cap = min(MAX_QUANTITY_PER_LINE, max(line.variant.available_quantity, 0))
        if line.variant_id in existing:
            kept = existing[line.variant_id]
            kept.quantity = max(min(kept.quantity + line.quantity, cap), kept.quantity)
            kept.save(update_fields=["quantity"])
        elif cap > 0 and len(existing) < MAX_LINES_PER_CART:
            existing[line.variant_id] = CartLine.objects.create(
                cart=target, variant=line.variant, quantity=min(line.quantity, cap)
            )
    source.delete()
    return target


def carts_delete_stale(*, updated_before: datetime) -> int:
    """Delete guest carts untouched since ``updated_before`` and empty customer carts; returns how many."""
    old = Cart.objects.filter(updated_at__lt=updated_before)
    stale = old.filter(customer__isnull=True) | old.filter(lines__isnull=True)
    deleted = Cart.objects.filter(pk__in=stale.values("pk")).delete()[1].get(Cart._meta.label, 0)
    return deleted


def _touch(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


MAX_CODES_PER_CART = 5
MAX_GIFT_CARDS_PER_CART = 5


@transaction.atomic
def cart_apply_discount_code(*, cart: Cart, code: str) -> str:
    """Keep a code the shopper typed; whether it applies is shown with the cart's prices."""
    from commerce.promotions.discounts import discount_code_live

    code = (code or "").strip()
    if not code or len(code) > 40:
        raise CommerceError("Enter a discount code.", field="discount_code")
    cart = locked(Cart.objects).get(pk=cart.pk)
    found = discount_code_live(store=cart.store, code=code, now=timezone.now())
    if found is None:
        raise CommerceError(f"{code} is not a valid discount code.", field="discount_code", code="unknown")
    codes = [c for c in cart.discount_codes if c.upper() != found.code.upper()]
    if len(codes) >= MAX_CODES_PER_CART:
        raise CommerceError(f"A cart takes at most {MAX_CODES_PER_CART} codes.", field="discount_code")
    cart.discount_codes = [*codes, found.code]
    cart.save(update_fields=["discount_codes", "updated_at"])
    return found.code


@transaction.atomic
def cart_remove_discount_code(*, cart: Cart, code: str) -> None:
    cart = locked(Cart.objects).get(pk=cart.pk)
    cart.discount_codes = [c for c in cart.discount_codes if c.upper() != (code or "").strip().upper()]
    cart.save(update_fields=["discount_codes", "updated_at"])


GIFT_CARD_NOT_FOUND = "We couldn't find a gift card with that code, or it has no balance."


@transaction.atomic
def cart_apply_gift_card(*, cart: Cart, code: str):
    """Add a gift card as tender. Any failure gets one message that tells nothing about which
    codes exist (callers rate-limit attempts)."""
    from django.utils import timezone

    from commerce.promotions.gift_cards import gift_card_find, gift_card_usable

    cart = locked(Cart.objects).get(pk=cart.pk)
    card = gift_card_find(store=cart.store, code=code or "")
    if card is None or gift_card_usable(gift_card=card, currency=cart.store.currency, now=timezone.now()):
        raise CommerceError(GIFT_CARD_NOT_FOUND, field="gift_card", code="not_found")
    if cart.gift_cards.count() >= MAX_GIFT_CARDS_PER_CART:
        raise CommerceError(f"A cart takes at most {MAX_GIFT_CARDS_PER_CART} gift cards.", field="gift_card")
    cart.gift_cards.add(card)
    _touch(cart)
    return card


@transaction.atomic
def cart_remove_gift_card(*, cart: Cart, gift_card_id: object) -> None:
    try:
        pk = int(str(gift_card_id))
    except (TypeError, ValueError):
        raise NotFound("That gift card is not on your cart.", field="gift_card") from None
    cart.gift_cards.remove(pk)
    _touch(cart)
