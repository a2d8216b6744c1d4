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

Four kinds of entry (:data:`STAFF_ONLY`: staff notes about customers and the reports' daily
summaries, staff of the row's store only; :data:`STAFF_OWNED`: staff's own rows such as the
assistant's question log):
:data:`REGISTRY` holds customer data (:class:`Protected`: a customer sees their
own rows); :data:`STORE_SCOPED` holds a store's staff data that shoppers' requests must still use
(:class:`StoreScoped`: staff see their stores' rows, anonymous and customer contexts are let
through because every storefront page reads stock and every checkout reserves it).
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


# A shopper's request (a visitor or a signed-in customer), as opposed to staff, the system or nobody.
SHOPPER = f"{ROLE} IN ('anonymous', 'customer')"


@dataclass(frozen=True)
class StoreScoped:
    """A store's staff data: staff of the row's store see and change it; shoppers' contexts are let
    through. ``store`` is SQL giving the row's store id: a column, or a scalar subquery that looks
    the store up by primary key (so the policy costs an index lookup per row, never a scan)."""

    label: str
    store: str
    why: str

    @property
    def predicate(self) -> str:
        return any_of(staff_of_store(self.store), SHOPPER)


def store_via(label: str, column: str, store_column: str = "store_id") -> str:
    """The store of the row of ``label`` that this row's ``column`` points at."""
    return f"(SELECT parent.{store_column} FROM {{{label}}} AS parent WHERE parent.id = {{self}}.{column})"  # noqa: S608 - policy text from constants


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
    Protected("orders.Fulfilment", visible("orders.Order", "order_id"), "shipments of a visible order"),
    Protected("orders.FulfilmentLine", visible("orders.Fulfilment", "fulfilment_id"), "lines of a visible fulfilment"),
    Protected("orders.ReturnRequest", visible("orders.Order", "order_id"), "returns of a visible order"),
    Protected("orders.ReturnLine", visible("orders.ReturnRequest", "return_request_id"), "lines of a visible return"),
    Protected(
        "shipping.Shipment",
        any_of(visible("orders.Order", "order_id"), staff_of_store()),
        "labels and parcels: the customer's own orders, staff of the store",
    ),
    Protected("shipping.TrackingEvent", visible("shipping.Shipment", "shipment_id"), "tracking of a visible shipment"),
    Protected(
        "shipping.ShippingEvent",
        any_of(
            visible("orders.Order", "order_id"),
            f"(order_id IS NULL AND {ROLE} = 'staff' AND (SELECT rls_all_stores()))",
        ),
        "carrier webhooks of a visible order; events matching no order: staff of every store",
    ),
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

STORE_SCOPED: tuple[StoreScoped, ...] = (
    StoreScoped("inventory.StockLocation", "store_id", "a store's warehouses and shop floors"),
    StoreScoped(
        "inventory.StockLevel",
        store_via("inventory.StockLocation", "location_id"),
        "stock per variant and location, by the location's store",
    ),
    StoreScoped(
        "inventory.StockMovement",
        "(SELECT location.store_id FROM {inventory.StockLevel} AS level JOIN {inventory.StockLocation} AS location"
        " ON location.id = level.location_id WHERE level.id = {self}.level_id)",
        "the stock ledger, by its level's location's store",
    ),
    StoreScoped(
        "inventory.LowStockAlert",
        store_via("catalog.ProductVariant", "variant_id"),
        "low-stock state per variant, by the variant's store",
    ),
)

# Staff-only data: staff of the row's store see it; no shopper ever does (not even the customer a
# note is about), so it has no owner and its own generic tests (test_rls_staff_only.py).
STAFF_ONLY: tuple[Protected, ...] = (
    Protected(
        "people.CustomerNote",
        staff_of_store(),
        "staff notes about a customer: staff of the note's store only, never the customer",
    ),
    # Sales summed per store and day, and when each email first paid there: the reports' summary.
    Protected("insights.DailySales", staff_of_store(), "a store's daily sales totals: staff of the store"),
    Protected("insights.DailyProductSales", staff_of_store(), "a store's daily sales per product: staff of the store"),
    Protected(
        "insights.CustomerFirstOrder", staff_of_store(), "when each email first paid in a store: staff of the store"
    ),
    Protected("insights.DailyCustomerSales", staff_of_store(), "a store's new and returning orders per day: staff"),
    Protected("insights.DailyShippingSales", staff_of_store(), "a store's shipping charged per day: staff"),
    Protected("insights.DailyDiscountSales", staff_of_store(), "a store's discount uses per day: staff"),
    # Refunds per order and day, returns per step and reason, the gift-card ledger per day (issue 13).
    Protected("insights.DailyRefundOrder", staff_of_store(), "a store's refunds per order and day: staff of the store"),
    Protected("insights.DailyReturns", staff_of_store(), "a store's returns per step and day: staff of the store"),
    Protected("insights.DailyReturnReasons", staff_of_store(), "a store's return reasons per day: staff of the store"),
    Protected("insights.DailyGiftCards", staff_of_store(), "a store's gift-card ledger per day: staff of the store"),
)

# Staff's own rows: the insights assistant's question log and AI budget. Not customer data (the
# generic customer checks do not apply), but a member of staff sees only their own questions;
# staff of every store (owners) read the whole log.
STAFF_OWNED: tuple[Protected, ...] = (
    Protected(
        "insights.InsightQuestion",
        any_of(owned_by_user("asked_by_id"), f"({ROLE} = 'staff' AND (SELECT rls_all_stores()))"),
        "questions to the insights assistant: the asker's own; staff of every store read the log",
    ),
    Protected("insights.AssistantUsage", owned_by_user("user_id"), "the asker's AI questions per day"),
    # API tokens (issue 18): the owner sees their own; staff of every store see all; staff limited
    # to some stores see the tokens limited to stores among theirs (to list and revoke them).
    Protected(
        "api.ApiToken",
        any_of(
            owned_by_user("owner_id"),
            f"({ROLE} = 'staff' AND (SELECT rls_all_stores()))",
            f"({ROLE} = 'staff' AND NOT all_stores"  # noqa: S608 - policy text from constants
            " AND EXISTS (SELECT 1 FROM {api.ApiToken.stores} AS link WHERE link.apitoken_id = {self}.id)"
            " AND NOT EXISTS (SELECT 1 FROM {api.ApiToken.stores} AS link WHERE link.apitoken_id = {self}.id"
            " AND link.store_id <> ALL ((SELECT rls_store_ids())::bigint[])))",
        ),
        "API tokens: the owner's own; staff of every store, or of every store the token is limited to",
    ),
)

ALL_ENTRIES: tuple[Protected | StoreScoped, ...] = REGISTRY + STORE_SCOPED + STAFF_ONLY + STAFF_OWNED

# Models that point at a customer or a protected row but hold no customer data, and why.
EXEMPT: dict[str, str] = {
    "accounts.StaffProfile": "which stores a member of staff works on; read to build the staff context itself",
    "accounts.StaffInvitation": "staff data, not a customer's: owners list it in the admin (app permission "
    "accounts.invite_staff); the link's page reads it as the system by the token's hash",
}
