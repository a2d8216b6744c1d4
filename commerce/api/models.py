"""API tokens: how integrations (an ERP, accounting, a marketplace) call the staff API.

A token is ``mgp_<key id>_<secret>``. The key id is not secret: it finds the row. Only a SHA-256
of the whole token is stored, so the table (or a backup of it) lets nobody in; the token is shown
once, when it is created. A token acts as its owner, limited to its scopes and its stores.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .scopes import ALL_SCOPES

MANAGE_API_TOKENS = "api.manage_apitoken"


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'ERP sync'.")
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="magpie_api_tokens", editable=False
    )
    all_stores = models.BooleanField(default=False)
    stores = models.ManyToManyField("stores.Store", blank=True, related_name="+")
    scopes = ArrayField(models.CharField(max_length=32), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        permissions = [("manage_apitoken", "Can issue, list and revoke API tokens")]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(scopes__contained_by=list(ALL_SCOPES)), name="api_token_scopes_known"),
            models.CheckConstraint(condition=~Q(secret_hash=""), name="api_token_has_hash"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The token's public start, enough to recognise it in a list or a log."""
        return f"mgp_{self.key_id}_"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"
