"""Signals other apps listen to. Receivers only enqueue jobs; the work is in services."""

from django.dispatch import Signal

# Sent once, after the commit that first marked an order paid; kwargs: order_id.
order_paid = Signal()

# Sent after the commit of every refund recorded on an order, whatever made it (the admin, a
# cancellation, store credit, or Stripe's dashboard through ``charge.refunded``); kwargs:
# order_id, fully (nothing left to refund). Promotions release discount uses on a full refund.
order_refunded = Signal()
