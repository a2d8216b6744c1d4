"""Staff gift cards over the API: list and detail (masked: only the last four characters of a code
leave the server), issue (the full code is in that one response, and emailed to the recipient),
disable and enable, and balance adjustments written to the ledger — each through the promotions
services the Gift cards screen calls, with its permissions (view; add to issue; change to adjust,
disable or enable), on the caller's stores' cards only (RLS underneath too)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.promotions.gift_card_selectors import gift_card_ledger, gift_cards_search, gift_cards_unexpired
from commerce.promotions.gift_card_staff import gift_card_issue_by_staff, gift_card_set_active
from commerce.promotions.gift_cards import gift_card_adjust, gift_card_format
from commerce.promotions.models import GiftCard
from commerce.stores.admin_scope import scope_queryset

from ..model_permissions import StaffPermissionsMixin
from ..serializers.staff_gift_cards import (
    GiftCardAdjustSerializer,
    GiftCardDetailSerializer,
    GiftCardIssuedSerializer,
    GiftCardIssueSerializer,
    GiftCardQuerySerializer,
    GiftCardSerializer,
)
from .staff_discounts import query_body
from .staff_inventory import query

TAGS = ["staff: gift cards"]
VIEW = ("promotions.view_giftcard",)
ISSUE = ("promotions.view_giftcard", "promotions.add_giftcard")
CHANGE = ("promotions.view_giftcard", "promotions.change_giftcard")


def gift_cards_for(user: Any) -> QuerySet[GiftCard]:
    return scope_queryset(GiftCard.objects.select_related("store", "customer"), user)


class GiftCardsAreaView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = "gift_cards"  # noqa: S105 (a token scope name, not a secret)

    def card(self) -> GiftCard:
        return get_object_or_404(gift_cards_for(self.request.user), pk=self.kwargs["pk"])

    def detail(self, card: GiftCard) -> dict[str, Any]:
        card = gift_cards_for(self.request.user).get(pk=card.pk)
        card.ledger = gift_card_ledger(card)
        return GiftCardDetailSerializer(card).data


class GiftCardsView(GiftCardsAreaView, generics.ListAPIView):
    serializer_class = GiftCardSerializer
    required_permissions = {"GET": VIEW, "POST": ISSUE}

    def get_queryset(self) -> QuerySet[GiftCard]:
        filters = query(self.request, GiftCardQuerySerializer)
        cards = gift_cards_for(self.request.user)
        if "store" in filters:
            cards = cards.filter(store_id=filters["store"])
        if filters.get("is_active") is not None:
            cards = cards.filter(is_active=filters["is_active"])
        if filters.get("expired") is not None:
            unexpired = gift_cards_unexpired(timezone.now())
            cards = cards.exclude(unexpired) if filters["expired"] else cards.filter(unexpired)
        cards = gift_cards_search(cards, filters.get("search", ""))
        return cards.order_by("-created_at", "-pk")

    @extend_schema(parameters=[GiftCardQuerySerializer], operation_id="staff_gift_cards_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your stores' gift cards, newest first, masked."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=GiftCardIssueSerializer,
        responses={201: GiftCardIssuedSerializer},
        operation_id="staff_gift_cards_issue",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Issue a card. The full ``code`` is in this response only: copy it now."""
        serializer = GiftCardIssueSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        customer = None
        if data["customer_email"]:
            customer = get_user_model().objects.filter(email__iexact=data["customer_email"]).first()
            if customer is None:
                raise CommerceError("No customer account has that email.", field="customer_email")
        store = data["store"]
        card, emailed_to = gift_card_issue_by_staff(
            store=store,
            value=Money(data["value"], store.currency),
            expires_at=data["expires_at"],
            customer=customer,
            recipient_email=data["recipient_email"],
            actor=request.user,
        )
        card = gift_cards_for(request.user).get(pk=card.pk)
        card.formatted_code, card.emailed_to = gift_card_format(card.code), emailed_to
        response = Response(GiftCardIssuedSerializer(card).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class GiftCardView(GiftCardsAreaView):
    serializer_class = GiftCardDetailSerializer
    required_permissions = {"GET": VIEW}

    @extend_schema(operation_id="staff_gift_cards_retrieve", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        """A card (masked) with its ledger."""
        return Response(self.detail(self.card()))


class _GiftCardSwitchView(GiftCardsAreaView):
    serializer_class = GiftCardDetailSerializer
    required_permissions = {"POST": CHANGE}
    active: bool

    def post(self, request: Request, pk: int) -> Response:
        return Response(self.detail(gift_card_set_active(gift_card=self.card(), active=self.active)))


class GiftCardDisableView(_GiftCardSwitchView):
    active = False

    @extend_schema(request=None, responses=GiftCardDetailSerializer, operation_id="staff_gift_cards_disable", tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        """Disable a card: it cannot pay until enabled again; its balance is kept."""
        return super().post(request, pk)


class GiftCardEnableView(_GiftCardSwitchView):
    active = True

    @extend_schema(request=None, responses=GiftCardDetailSerializer, operation_id="staff_gift_cards_enable", tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        """Enable a disabled card again, with the balance it had."""
        return super().post(request, pk)


class GiftCardAdjustmentsView(GiftCardsAreaView):
    serializer_class = GiftCardAdjustSerializer
    required_permissions = {"POST": CHANGE}

    @extend_schema(
        request=GiftCardAdjustSerializer,
        responses={201: GiftCardDetailSerializer},
        operation_id="staff_gift_cards_adjust",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Correct a balance up or down with a reason (a ledger row; never below zero)."""
        card = self.card()
        data = query_body(request, GiftCardAdjustSerializer)
        gift_card_adjust(
            gift_card=card, amount=Money(data["amount"], card.currency), reason=data["reason"], actor=request.user
        )
        return Response(self.detail(card), status=status.HTTP_201_CREATED)
