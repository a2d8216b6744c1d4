"""A checkout in progress: who is buying, where it goes, how it ships, and the order it became."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Checkout(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="checkouts")
    cart = models.OneToOneField("cart.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkouts"
    )
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    shipping_method_code = models.CharField(max_length=60, blank=True)
    setup_intent_id = models.CharField(max_length=100, blank=True)
    payment_attempts = models.PositiveSmallIntegerField(default=0)
    order = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Checkout {self.token}"
