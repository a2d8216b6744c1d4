"""Signals other apps listen to. Receivers only enqueue jobs; the work is in services."""

from django.dispatch import Signal

# Sent after the commit of gift-card ledger rows written in bulk (cards issued in bulk, cards
# expired), which send no ``post_save``; kwargs: store_ids (the cards' stores).
gift_cards_moved = Signal()

# Sent after the commit that released a paid order's discount uses (a full refund or a cancellation),
# so that what reads them per payment day can recompute it; kwargs: order_id.
discount_uses_released = Signal()
