"""Indexes the reports read through: paid orders by store and payment time, covering the money
columns (the daily series is an index-only scan), and succeeded refunds by time. Created here, not
in ``orders``/``payments``, because they serve the reports."""

from django.db import migrations

ORDERS = (
    "CREATE INDEX IF NOT EXISTS insights_order_paid ON orders_order (store_id, paid_at) "
    "INCLUDE (currency, subtotal, discount_total, shipping_total, tax_total, total) "
    "WHERE paid_at IS NOT NULL"
)
REFUNDS = (
    "CREATE INDEX IF NOT EXISTS insights_refund_succeeded ON payments_refund (created_at) "
    "INCLUDE (order_id, currency, amount) WHERE status = 'succeeded'"
)


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_reservation_location_required"), ("payments", "0001_initial")]

    operations = [
        migrations.RunSQL(ORDERS, "DROP INDEX IF EXISTS insights_order_paid"),
        migrations.RunSQL(REFUNDS, "DROP INDEX IF EXISTS insights_refund_succeeded"),
    ]
