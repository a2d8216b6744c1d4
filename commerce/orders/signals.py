"""Signals other apps listen to. Receivers only enqueue jobs; the work is in services."""

from django.dispatch import Signal

# Sent once, after the commit that first marked an order paid; kwargs: order_id.
order_paid = Signal()
