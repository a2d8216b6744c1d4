"""The token describing itself (``GET /api/v1/staff/token/``)."""

from __future__ import annotations

from rest_framework import serializers

from ..scopes import ALL_SCOPES


class TokenStoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The token's public start (mgp_<key id>_); the rest is secret.")
    owner = serializers.EmailField(help_text="The member of staff the token acts as.")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ALL_SCOPES))
    all_stores = serializers.BooleanField(help_text="True when the token acts for every store its owner does.")
    stores = TokenStoreSerializer(many=True, help_text="The stores the token acts for now.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
