"""The tables row-level security protects, and who may see each row.

Each entry names a model (or a many-to-many link table as ``"app.Model.field"``) and the SQL
predicate that lets a non-system caller see a row. The system context sees every row of every
table; nothing else does unless a predicate says so, so a missing or wrong setting shows nothing.

Predicates are written against the functions :mod:`commerce.core.rls.policies` creates and are
wrapped in ``(SELECT ...)`` so PostgreSQL evaluates each once per statement (an InitPlan), not once
per row. ``{self}`` is the protected table and ``{app.Model}`` any other model's table.

Child tables say "visible when the parent is": their predicate is an ``EXISTS`` on the parent,
which is itself filtered by the parent's policy. ``tests/security/test_rls_registry.py`` fails
when a model that points at a customer or at a protected table is neither here nor in
:data:`EXEMPT`.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE = "(SELECT rls_role())"
USER_ID = "(SELECT rls_user_id())"
# A customer who has an order the caller can see (for staff: an order in one of their stores).
ORDERED_HERE = "EXISTS (SELECT 1 FROM {orders.Order} AS o WHERE o.customer_id = {self}.id)"


def staff_of_store(column: str = "store_id") -> str:
    return f"({ROLE} = 'staff' AND ((SELECT rls_all_stores()) OR {column} = ANY ((SELECT rls_store_ids())::bigint[])))"


def owned_by_user(column: str = "customer_id") -> str:
    return f"{column} = {USER_ID}"


def visible(label: str, column: str, key: str = "id") -> str:
    """The row's ``column`` points at a row of ``label`` that the caller can see."""
    return f"EXISTS (SELECT 1 FROM {{{label}}} AS parent WHERE parent.{key} = {{self}}.{column})"  # noqa: S608 - policy text from constants


def any_of(*predicates: str) -> str:
    return "(" + " OR ".join(predicates) + ")"


@dataclass(frozen=True)
class Protected:
    label: str
    predicate: str
    why: str


REGISTRY: tuple[Protected, ...] = (
    Protected(
        "accounts.User",
        any_of(
            f"id = {USER_ID}",
            f"({ROLE} = 'staff' AND ((SELECT rls_all_stores()) OR is_staff OR {ORDERED_HERE}))",
        ),
        "customer profiles: yourself; staff see staff and the customers who ordered from their stores",
    ),
    Protected(
        "accounts.Address",
        any_of(owned_by_user(), f"({ROLE} = 'staff' AND {visible('accounts.User', 'customer_id')})"),
        "a customer's address book",
    ),
    Protected(
        "cart.Cart",
        any_of(owned_by_user(), "token = ANY ((SELECT rls_cart_tokens())::uuid[])", staff_of_store()),
        "carts: the customer's, or a visitor's by the token in their session",
    ),
    Protected("cart.CartLine", visible("cart.Cart", "cart_id"), "lines of a visible cart"),
    Protected("cart.Cart.gift_cards", visible("cart.Cart", "cart_id"), "gift cards applied to a visible cart"),
    Protected(
        "checkout.Checkout",
        any_of(
            owned_by_user(),
            visible("cart.Cart", "cart_id"),
            "order_id = ANY ((SELECT rls_order_ids())::bigint[])",
            staff_of_store(),
        ),
        "checkouts: of a visible cart, of the customer, or of an order the guest holds a link to",
    ),
    Protected(
        "orders.Order",
        any_of(
            staff_of_store(),
            owned_by_user(),
            "id = ANY ((SELECT rls_order_ids())::bigint[])",
            visible("checkout.Checkout", "checkout_token", key="token"),
        ),
        "orders: staff of the store, the customer, a guest with the signed link or the checkout",
    ),
    Protected("orders.OrderLine", visible("orders.Order", "order_id"), "lines of a visible order"),
    Protected("orders.OrderEvent", visible("orders.Order", "order_id"), "timeline of a visible order"),
    Protected("orders.StockReservation", visible("orders.Order", "order_id"), "stock held by a visible order"),
    Protected("payments.Payment", visible("orders.Order", "order_id"), "payments of a visible order"),
    Protected(
        "payments.PaymentEvent",
        any_of(
            visible("orders.Order", "order_id"),
            f"(order_id IS NULL AND {ROLE} = 'staff' AND (SELECT rls_all_stores()))",
        ),
        "provider events of a visible order; events matching no order: staff of every store",
    ),
    Protected("payments.Refund", visible("orders.Order", "order_id"), "refunds of a visible order"),
    Protected("payments.RefundLine", visible("payments.Refund", "refund_id"), "lines of a visible refund"),
    Protected("promotions.DiscountRedemption", visible("orders.Order", "order_id"), "discount uses of a visible order"),
    Protected(
        "promotions.GiftCard",
        any_of(
            staff_of_store(),
            owned_by_user(),
            "code = (SELECT rls_gift_card_code())",
            visible("cart.Cart.gift_cards", "id", key="giftcard_id"),
            visible("orders.Order", "source_order_id"),
        ),
        "gift cards: staff of the store, the owner, whoever holds the code, a cart it is applied to",
    ),
    Protected(
        "promotions.GiftCardTransaction",
        any_of(visible("promotions.GiftCard", "gift_card_id"), visible("orders.Order", "order_id")),
        "ledger lines of a visible gift card or order",
    ),
)

# Models that point at a customer or a protected row but hold no customer data, and why.
EXEMPT: dict[str, str] = {
    "accounts.StaffProfile": "which stores a member of staff works on; read to build the staff context itself",
    "inventory.StockMovement": "the stock ledger: its actor is a member of staff, never a customer. Stock figures "
    "are read by every storefront page and written by shoppers' checkouts, so inventory tables stay outside RLS; "
    "the inventory screens scope them to the staff member's stores",
}
