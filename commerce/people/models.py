"""Staff notes about a customer, kept per store (staff of another store do not see them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerNote(models.Model):
    """A staff-only note about a customer, written from the customer page; never shown to them."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notes")
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "store"])]

    def __str__(self) -> str:
        return self.text[:60]
