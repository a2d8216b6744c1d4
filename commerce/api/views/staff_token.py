"""``GET /api/v1/staff/token/``: which token this is, whose, with which scopes and stores.

An integration calls it to check its configuration; any valid token may (no scope needed), and
nothing else may (a session gets 403 ``token_required``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.stores.models import Store

from ..permissions import ANY_TOKEN, IsTokenRequest, TokenScopePermission, token_of
from ..serializers.staff_token import TokenInfoSerializer
from ..tokens import token_store_ids


class TokenInfoView(generics.GenericAPIView):
    serializer_class = TokenInfoSerializer
    permission_classes = [TokenScopePermission, IsTokenRequest]
    token_scope = ANY_TOKEN
    pagination_class = None

    @extend_schema(operation_id="staff_token_retrieve", tags=["staff"])
    def get(self, request: Request) -> Response:
        """The calling token: name, owner, scopes and the stores it acts for now."""
        token = token_of(request)
        assert token is not None  # IsTokenRequest
        store_ids = token_store_ids(token)
        stores = Store.objects.order_by("name")
        if store_ids is not None:
            stores = stores.filter(pk__in=store_ids)
        data = {
            "name": token.name,
            "prefix": token.prefix,
            "owner": token.owner.email,
            "scopes": token.scopes,
            "all_stores": store_ids is None,
            "stores": [{"id": store.pk, "name": store.name} for store in stores],
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
        }
        return Response(self.get_serializer(data).data)
