"""Staff discounts over the API: list, detail, create, update, deactivate (unpublish) and publish;
a discount's codes: list, add one, generate many, disable and enable. The promotions services do
the writing with the admin's rules (``commerce.promotions.discount_editing``); permissions are the
Discounts screens' (Marketers draft, Managers and Owners publish and handle codes), and only the
caller's stores' discounts exist for them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.promotions.discount_codes import discount_codes_generate
from commerce.promotions.discount_editing import (
    PUBLISH_DISCOUNT,
    TARGET_FIELDS,
    PublishRefused,
    discount_code_add,
    discount_code_set_active,
    discount_save,
    discount_set_published,
)
from commerce.promotions.discount_rules import discount_status_q, normalize_code
from commerce.promotions.models import Discount, DiscountCode
from commerce.stores.admin_scope import scope_queryset

from ..model_permissions import StaffPermissionsMixin
from ..serializers.staff_discounts import (
    DiscountCodeCreateSerializer,
    DiscountCodeQuerySerializer,
    DiscountCodeSerializer,
    DiscountCodesGenerateSerializer,
    DiscountCreateSerializer,
    DiscountQuerySerializer,
    DiscountSerializer,
    DiscountUpdateSerializer,
)
from .staff_inventory import query

TAGS = ["staff: discounts"]
VIEW = ("promotions.view_discount",)
CODES_VIEW = ("promotions.view_discount", "promotions.view_discountcode")
CODES_ADD = ("promotions.view_discount", "promotions.add_discountcode")
CODES_CHANGE = ("promotions.view_discount", "promotions.change_discountcode")


def discounts_for(user: Any) -> QuerySet[Discount]:
    """The discounts of the caller's stores, with what the list shows."""
    discounts = Discount.objects.select_related("store").prefetch_related(*TARGET_FIELDS)
    return scope_queryset(discounts, user).annotate(code_count=Count("codes"))


def may_publish(request: Request) -> bool:
    return request.user.has_perm(PUBLISH_DISCOUNT)


def split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A validated body as the service's (fields, targets)."""
    targets = {name: data.pop(name) for name in TARGET_FIELDS if name in data}
    data.pop("store", None)
    return data, targets


class DiscountsAreaView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = "discounts"  # noqa: S105 (a token scope name, not a secret)

    def discount(self) -> Discount:
        return get_object_or_404(discounts_for(self.request.user), pk=self.kwargs["pk"])

    def saved(self, discount: Discount, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = discounts_for(self.request.user).get(pk=discount.pk)
        return Response(DiscountSerializer(fresh).data, status=status_code)

    @staticmethod
    def publish_refused(error: PublishRefused) -> PermissionDenied:
        return PermissionDenied(error.message)


class DiscountsView(DiscountsAreaView, generics.ListAPIView):
    serializer_class = DiscountSerializer
    required_permissions = {"GET": VIEW, "POST": ("promotions.add_discount",)}

    def get_queryset(self) -> QuerySet[Discount]:
        filters = query(self.request, DiscountQuerySerializer)
        discounts = discounts_for(self.request.user)
        if "store" in filters:
            discounts = discounts.filter(store_id=filters["store"])
        if "kind" in filters:
            discounts = discounts.filter(kind=filters["kind"])
        if "status" in filters:
            discounts = discounts.filter(discount_status_q(filters["status"], timezone.now()))
        term = filters.get("search", "").strip()
        if term:
            codes = DiscountCode.objects.annotate(code_upper=Upper("code")).filter(
                code_upper__contains=normalize_code(term)
            )
            discounts = discounts.filter(Q(name__icontains=term) | Q(pk__in=codes.values("discount_id")))
        return discounts.order_by("priority", "pk")

    @extend_schema(parameters=[DiscountQuerySerializer], operation_id="staff_discounts_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your stores' discounts, in the order they apply (priority, then age)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DiscountCreateSerializer,
        responses={201: DiscountSerializer},
        operation_id="staff_discounts_create",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Create a discount. Without the publish permission it is saved as a draft."""
        serializer = DiscountCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        store = serializer.validated_data["store"]
        fields, targets = split(dict(serializer.validated_data))
        try:
            discount = discount_save(
                discount=None, store=store, fields=fields, targets=targets, may_publish=may_publish(request)
            )
        except PublishRefused as error:
            raise self.publish_refused(error) from None
        return self.saved(discount, status_code=status.HTTP_201_CREATED)


class DiscountView(DiscountsAreaView):
    serializer_class = DiscountSerializer
    required_permissions = {"GET": VIEW, "PATCH": (*VIEW, "promotions.change_discount")}

    @extend_schema(operation_id="staff_discounts_retrieve", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(DiscountSerializer(self.discount()).data)

    @extend_schema(
        request=DiscountUpdateSerializer,
        responses=DiscountSerializer,
        operation_id="staff_discounts_update",
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change some of a discount's fields; a live one only with the publish permission."""
        discount = self.discount()
        serializer = DiscountUpdateSerializer(
            discount, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        fields, targets = split(dict(serializer.validated_data))
        try:
            discount = discount_save(
                discount=discount, fields=fields, targets=targets, may_publish=may_publish(request)
            )
        except PublishRefused as error:
            raise self.publish_refused(error) from None
        return self.saved(discount)


class _DiscountPublishingView(DiscountsAreaView):
    serializer_class = DiscountSerializer
    required_permissions = {"POST": (*VIEW, "promotions.change_discount", PUBLISH_DISCOUNT)}
    published: bool

    def post(self, request: Request, pk: int) -> Response:
        discount = discount_set_published(discount=self.discount(), published=self.published, may_publish=True)
        return self.saved(discount)


class DiscountDeactivateView(_DiscountPublishingView):
    published = False

    @extend_schema(request=None, responses=DiscountSerializer, operation_id="staff_discounts_deactivate", tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        """Unpublish: the discount becomes a draft and stops applying at once (its codes too)."""
        return super().post(request, pk)


class DiscountPublishView(_DiscountPublishingView):
    published = True

    @extend_schema(request=None, responses=DiscountSerializer, operation_id="staff_discounts_publish", tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        """Publish: the discount applies from its start time."""
        return super().post(request, pk)


class DiscountCodesView(DiscountsAreaView, generics.ListAPIView):
    serializer_class = DiscountCodeSerializer
    required_permissions = {"GET": CODES_VIEW, "POST": CODES_ADD}

    def get_queryset(self) -> QuerySet[DiscountCode]:
        filters = query(self.request, DiscountCodeQuerySerializer)
        codes = DiscountCode.objects.filter(discount=self.discount())
        if filters.get("is_active") is not None:
            codes = codes.filter(is_active=filters["is_active"])
        return codes.order_by("code", "pk")

    @extend_schema(parameters=[DiscountCodeQuerySerializer], operation_id="staff_discount_codes_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The discount's codes, alphabetically."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DiscountCodeCreateSerializer,
        responses={201: DiscountCodeSerializer},
        operation_id="staff_discount_codes_create",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add one code (stored upper-case, unique in the store)."""
        discount = self.discount()
        data = query_body(request, DiscountCodeCreateSerializer)
        code = discount_code_add(discount=discount, code=data["code"], usage_limit=data.get("usage_limit"))
        return Response(DiscountCodeSerializer(code).data, status=status.HTTP_201_CREATED)


class DiscountCodesGenerateView(DiscountsAreaView):
    serializer_class = DiscountCodeSerializer
    required_permissions = {"POST": CODES_ADD}

    @extend_schema(
        request=DiscountCodesGenerateSerializer,
        responses={201: DiscountCodeSerializer(many=True)},
        operation_id="staff_discount_codes_generate",
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Generate unique random codes (prefix + random part), all or none."""
        discount = self.discount()
        data = query_body(request, DiscountCodesGenerateSerializer)
        codes = discount_codes_generate(
            discount=discount,
            count=data["count"],
            prefix=data["prefix"],
            length=data["length"],
            usage_limit=data["usage_limit"],
        )
        return Response(DiscountCodeSerializer(codes, many=True).data, status=status.HTTP_201_CREATED)


class _DiscountCodeSwitchView(DiscountsAreaView):
    serializer_class = DiscountCodeSerializer
    required_permissions = {"POST": CODES_CHANGE}
    active: bool

    def post(self, request: Request, pk: int, code_id: int) -> Response:
        code = get_object_or_404(DiscountCode, discount=self.discount(), pk=code_id)
        return Response(DiscountCodeSerializer(discount_code_set_active(code=code, active=self.active)).data)


class DiscountCodeDisableView(_DiscountCodeSwitchView):
    active = False

    @extend_schema(
        request=None, responses=DiscountCodeSerializer, operation_id="staff_discount_codes_disable", tags=TAGS
    )
    def post(self, request: Request, pk: int, code_id: int) -> Response:
        """Disable a code: shoppers typing it are told it is not a valid code. Uses stay counted."""
        return super().post(request, pk, code_id)


class DiscountCodeEnableView(_DiscountCodeSwitchView):
    active = True

    @extend_schema(
        request=None, responses=DiscountCodeSerializer, operation_id="staff_discount_codes_enable", tags=TAGS
    )
    def post(self, request: Request, pk: int, code_id: int) -> Response:
        """Enable a disabled code again, with its limit and count as they were."""
        return super().post(request, pk, code_id)


def query_body(request: Request, serializer_class: type) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
