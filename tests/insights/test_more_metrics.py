"""Issue 13: the metrics beyond sales — categories, collections, discounts, gift cards, refunds,
shipping and stock — each equal to a direct SQL aggregate on the same rows, per currency, on local
days, and limited to a store-limited manager's store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from commerce.accounts.roles import MANAGER
from commerce.core.money import Money
from commerce.insights.catalog_metrics import top_categories, top_collections
from commerce.insights.metrics_scope import Period
from commerce.insights.promotion_metrics import discount_usage, gift_card_liability
from commerce.insights.refund_figures import refund_summary
from commerce.insights.shipping_metrics import shipping_charged
from commerce.insights.stock_metrics import low_stock, stock_value
from commerce.orders.models import Order
from commerce.payments.models import RefundLine
from commerce.promotions.gift_cards import gift_card_issue, gift_card_redeem
from commerce.promotions.models import Discount, DiscountRedemption, GiftCardTransaction
from tests.factories import CategoryFactory, CollectionPageFactory, ProductPageFactory, set_stock
from tests.insights.conftest import paid_order, refund, staff, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

MARCH_10 = Period(date(2026, 3, 10), date(2026, 3, 10))
IN_NY = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 on the 10th in New York
LATE_NY = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 23:30 on the 9th in New York: outside MARCH_10
EARLY_BERLIN = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 00:30 on the 10th in Berlin: inside


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def catalogue(store, other_store):
    """Store 1 (USD, New York): a mug (Kitchen, Gifts) and a lamp (Lighting); store 2 (EUR, Berlin):
    a stein (Kitchen). Sales on March 10th local time, and one the evening before in New York."""
    store.time_zone, other_store.time_zone = "America/New_York", "Europe/Berlin"
    store.save()
    other_store.save()
    kitchen, gifts, lighting = (CategoryFactory(name=n) for n in ("Kitchen", "Gifts", "Lighting"))
    mug = ProductPageFactory(store=store, title="Mug", price="15.00", stock=3)
    lamp = ProductPageFactory(store=store, title="Lamp", price="50.00", stock=40)
    stein = ProductPageFactory(store=other_store, title="Stein", price="35.00", stock=1)
    mug.categories.set([kitchen, gifts])
    lamp.categories.set([lighting])
    stein.categories.set([kitchen])
    for product in (mug, lamp, stein):
        product.save_revision().publish()
    variant = {p.title: p.variants.get() for p in (mug, lamp, stein)}
    orders = {
        "mug": paid_order(store, paid_at=IN_NY, title="Mug", subtotal="30.00", quantity=2, variant=variant["Mug"]),
        "lamp": paid_order(store, paid_at=IN_NY, title="Lamp", subtotal="100.00", quantity=2, variant=variant["Lamp"]),
        "late": paid_order(store, paid_at=LATE_NY, title="Mug", subtotal="15.00", quantity=1, variant=variant["Mug"]),
        "stein": paid_order(
            other_store, paid_at=EARLY_BERLIN, title="Stein", subtotal="70.00", quantity=2, variant=variant["Stein"]
        ),
    }
    summarise()
    return {"kitchen": kitchen, "gifts": gifts, "lighting": lighting, "variant": variant, "orders": orders}


CATEGORY_SQL = """
    SELECT o.currency, c.name, sum(l.quantity), sum(l.line_total)
      FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id JOIN stores_store s ON s.id = o.store_id
      JOIN catalog_productvariant v ON v.id = l.variant_id
      JOIN catalog_productpage_categories pc ON pc.productpage_id = v.product_id
      JOIN catalog_category c ON c.id = pc.category_id
     WHERE (o.paid_at AT TIME ZONE s.time_zone)::date = %(day)s AND o.store_id = ANY(%(stores)s)
     GROUP BY o.currency, c.name ORDER BY o.currency, sum(l.line_total) DESC, c.name
"""


def test_top_categories_equal_sql_per_currency_on_local_days(catalogue, store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)

    rows = top_categories(user=owner, period=MARCH_10)

    direct = sql(CATEGORY_SQL, {"day": date(2026, 3, 10), "stores": [store.pk, other_store.pk]})
    assert [(r.currency, r.name, r.units, r.revenue) for r in rows] == direct
    assert ("USD", "Kitchen", 2, Decimal("30.00")) in direct  # not the late mug of the 9th
    assert ("EUR", "Kitchen", 2, Decimal("70.00")) in direct  # Berlin's 10th began at 23:00 UTC


def test_top_collections_count_what_each_collection_lists(catalogue, store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    home = store.site.root_page
    by_rule = CollectionPageFactory(parent=home, title="Kitchen things")
    by_rule.rule_categories.set([catalogue["kitchen"]])
    by_rule.save_revision().publish()
    picked = CollectionPageFactory(parent=home, title="Staff picks")
    picked.manual_products.create(product=catalogue["variant"]["Lamp"].product)
    picked.save_revision().publish()
    everything = CollectionPageFactory(parent=home, title="Everything")
    CollectionPageFactory(parent=other_store.site.root_page, title="Alles")

    rows = top_collections(user=owner, period=MARCH_10)

    assert [(r.currency, r.name, r.units, r.revenue) for r in rows] == [
        ("EUR", "Alles", 2, Decimal("70.00")),
        ("USD", everything.title, 4, Decimal("130.00")),
        ("USD", "Staff picks", 2, Decimal("100.00")),
        ("USD", "Kitchen things", 2, Decimal("30.00")),
    ]
    direct = sql(
        """SELECT o.currency, sum(l.line_total) FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
             JOIN stores_store s ON s.id = o.store_id
            WHERE (o.paid_at AT TIME ZONE s.time_zone)::date = '2026-03-10' GROUP BY 1 ORDER BY 1"""
    )
    assert direct == [("EUR", Decimal("70.00")), ("USD", Decimal("130.00"))]  # "Everything" = the store


def test_a_store_limited_manager_gets_only_their_stores_figures(catalogue, store, other_store, roles):
    manager = staff(MANAGER, "manager@example.com", stores=[store])
    set_stock(catalogue["variant"]["Stein"], 0)

    for metric in (top_categories, top_collections, discount_usage, gift_card_liability, refund_summary):
        assert all(r.currency == "USD" for r in metric(user=manager, period=MARCH_10)), metric
        assert metric(user=manager, period=MARCH_10, store_ids=[other_store.pk]) == [], metric
    assert [r.currency for r in shipping_charged(user=manager, period=MARCH_10)] == ["USD"]
    assert [r.currency for r in stock_value(user=manager)] == ["USD"]
    assert "Stein" not in [r.title for r in low_stock(user=manager)]


def test_discount_usage_equals_sql_and_skips_released_uses(catalogue, store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    spring = Discount.objects.create(store=store, name="Spring", value=Decimal("10"), is_active=True)
    orders = catalogue["orders"]
    for order, amount, released in ((orders["mug"], "3.00", False), (orders["lamp"], "10.00", False)):
        DiscountRedemption.objects.create(
            discount=spring, order=order, email=order.email, label="Spring", amount=Decimal(amount), released=released
        )
    DiscountRedemption.objects.create(  # paid the day before, in New York
        discount=spring, order=orders["late"], email="x@example.com", label="Spring", amount=Decimal("1.50")
    )
    other = Order.objects.get(pk=orders["mug"].pk)
    DiscountRedemption.objects.create(
        discount=Discount.objects.create(store=store, name="Cancelled", value=1),
        order=other,
        email=other.email,
        label="Cancelled",
        amount=Decimal("7.00"),
        released=True,
    )
    summarise()  # written directly: past days are read from the summary

    rows = discount_usage(user=owner, period=MARCH_10)

    direct = sql(
        """SELECT o.currency, d.name, count(*), sum(r.amount), sum(o.subtotal)
             FROM promotions_discountredemption r JOIN orders_order o ON o.id = r.order_id
             JOIN promotions_discount d ON d.id = r.discount_id JOIN stores_store s ON s.id = o.store_id
            WHERE NOT r.released AND (o.paid_at AT TIME ZONE s.time_zone)::date = '2026-03-10'
            GROUP BY 1, 2"""
    )
    assert [(r.currency, r.name, r.uses, r.cost, r.order_sales) for r in rows] == direct
    assert rows[0].cost_per_use == Decimal("6.50")


def test_gift_card_liability_follows_the_ledger_to_the_periods_end(catalogue, store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    usd = gift_card_issue(store=store, value=Money(Decimal("50.00"), "USD"))
    eur = gift_card_issue(store=other_store, value=Money(Decimal("20.00"), "EUR"))
    spent = gift_card_issue(store=store, value=Money(Decimal("10.00"), "USD"))
    gift_card_redeem(gift_card=usd, order=catalogue["orders"]["mug"], amount=Money(Decimal("30.00"), "USD"))
    gift_card_redeem(gift_card=spent, order=catalogue["orders"]["lamp"], amount=Money(Decimal("10.00"), "USD"))
    GiftCardTransaction.objects.filter(gift_card__in=[usd, spent]).update(created_at=IN_NY)
    GiftCardTransaction.objects.filter(gift_card=eur).update(created_at=EARLY_BERLIN)
    later = gift_card_issue(store=store, value=Money(Decimal("99.00"), "USD"))
    GiftCardTransaction.objects.filter(gift_card=later).update(created_at=datetime(2026, 3, 11, 12, tzinfo=UTC))
    summarise()  # past days are read from the summary

    rows = gift_card_liability(user=owner, period=MARCH_10)

    direct = dict(
        sql(
            """SELECT g.currency, sum(t.amount) FROM promotions_giftcardtransaction t
                 JOIN promotions_giftcard g ON g.id = t.gift_card_id JOIN stores_store s ON s.id = g.store_id
                WHERE (t.created_at AT TIME ZONE s.time_zone)::date <= '2026-03-10' GROUP BY 1"""
        )
    )
    assert {r.currency: r.liability for r in rows} == direct == {"EUR": Decimal("20.00"), "USD": Decimal("20.00")}
    usd_row = next(r for r in rows if r.currency == "USD")
    assert (usd_row.issued, usd_row.redeemed, usd_row.cards_with_balance) == (Decimal("60.00"), Decimal("40.00"), 1)


def test_refund_summary_equals_sql_on_the_day_refunds_succeeded(catalogue, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    orders = catalogue["orders"]
    made = refund(orders["lamp"], amount="50.00", at=datetime(2026, 3, 10, 20, tzinfo=UTC))
    RefundLine.objects.create(refund=made, order_line=orders["lamp"].lines.get(), quantity=1)
    refund(orders["lamp"], amount="5.00", at=datetime(2026, 3, 11, 3, 30, tzinfo=UTC))  # 23:30 the 10th in NY
    refund(orders["mug"], amount="9.00", at=datetime(2026, 3, 10, 20, tzinfo=UTC), status="failed")
    refund(orders["stein"], amount="10.00", at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))  # the 11th in Berlin
    summarise()  # past days are read from the summary

    rows = refund_summary(user=owner, period=MARCH_10)

    direct = sql(
        """SELECT r.currency, count(*), count(DISTINCT r.order_id), sum(r.amount) FROM payments_refund r
             JOIN orders_order o ON o.id = r.order_id JOIN stores_store s ON s.id = o.store_id
            WHERE r.status = 'succeeded' AND (r.created_at AT TIME ZONE s.time_zone)::date = '2026-03-10'
            GROUP BY 1 ORDER BY 1"""
    )
    assert [(r.currency, r.refunds, r.orders_refunded, r.refunded) for r in rows] == direct
    assert direct == [("USD", 2, 1, Decimal("55.00"))]
    assert rows[0].units_refunded == 1


def test_shipping_charged_equals_sql(catalogue, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    Order.objects.filter(pk=catalogue["orders"]["lamp"].pk).update(shipping_method_name="Express", shipping_total=12)
    summarise()  # written directly: the summary is recomputed as after a payment

    rows = shipping_charged(user=owner, period=MARCH_10)

    direct = sql(
        """SELECT o.currency, o.shipping_method_name, count(*), sum(o.shipping_total) FROM orders_order o
             JOIN stores_store s ON s.id = o.store_id
            WHERE (o.paid_at AT TIME ZONE s.time_zone)::date = '2026-03-10' GROUP BY 1, 2 ORDER BY 1, 4 DESC"""
    )
    assert [(r.currency, r.method if r.method != "(none)" else "", r.orders, r.shipping) for r in rows] == direct
    assert rows[-1].method == "(none)"


def test_stock_value_and_low_stock_equal_sql(catalogue, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    variant = catalogue["variant"]
    variant["Mug"].low_stock_threshold = 5
    variant["Mug"].save()

    values = stock_value(user=owner)
    low = low_stock(user=owner)

    direct = sql(
        """SELECT s.currency, count(DISTINCT l.variant_id), sum(l.on_hand), sum(l.on_hand * v.price)
             FROM inventory_stocklevel l JOIN inventory_stocklocation loc ON loc.id = l.location_id
             JOIN stores_store s ON s.id = loc.store_id JOIN catalog_productvariant v ON v.id = l.variant_id
            GROUP BY 1 ORDER BY 1"""
    )
    assert [(r.currency, r.variants, r.units_on_hand, r.retail_value) for r in values] == direct
    assert direct == [("EUR", 1, 1, Decimal("35.00")), ("USD", 2, 43, Decimal("2045.00"))]
    below = sql(
        """SELECT v.sku FROM catalog_productvariant v JOIN inventory_stocklevel l ON l.variant_id = v.id
            GROUP BY v.id HAVING sum(l.on_hand - l.reserved) <= v.low_stock_threshold
            ORDER BY sum(l.on_hand - l.reserved)"""
    )
    assert [r.sku for r in low] == [sku for (sku,) in below]
    assert "Mug" in [r.title for r in low]
