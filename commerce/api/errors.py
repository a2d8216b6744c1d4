"""The API's one error shape, for every 4xx (and the rare 5xx):

    {"error": "invalid", "message": "min_price: Ensure this value is greater than or equal to 0.",
     "field": "min_price", "fields": [{"field": "min_price", "reason": "Ensure this value ..."}]}

``error`` is a stable code, ``message`` a sentence for people, ``field`` the first field at fault
(null when the error concerns no one field) and ``fields`` every field with its reason. Domain
errors (``CommerceError``) and Django's ``ValidationError`` map onto it too, so a service refusing
bad input answers 400 naming the field, never 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from commerce.core.exceptions import CommerceError, NotFound

NON_FIELD = "non_field_errors"
NON_FIELD_DJANGO = "__all__"  # a model's clean() error that concerns no one field


class FieldReasonSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    error = serializers.CharField(help_text="A stable code: invalid, not_found, not_authenticated, ...")
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True, help_text="The first field at fault, or null.")
    fields = FieldReasonSerializer(many=True)


def error_body(*, code: str, message: str, fields: list[dict[str, str | None]] | None = None) -> dict[str, Any]:
    fields = fields or []
    first = next((item["field"] for item in fields if item["field"]), None)
    return {"error": code, "message": message, "field": first, "fields": fields}


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str | None]]:
    """DRF's nested error detail as a flat list of ``{"field": "a.b", "reason": ...}``."""
    if isinstance(detail, dict):
        items: list[dict[str, str | None]] = []
        for key, value in detail.items():
            name = "" if key in (NON_FIELD, NON_FIELD_DJANGO) else str(key)
            items += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            items += _flatten(value, f"{prefix}.{index}" if nested and prefix else prefix)
        return items
    return [{"field": prefix or None, "reason": str(detail)}]


def _validation_response(fields: list[dict[str, str | None]], code: str = "invalid") -> Response:
    message = "; ".join(
        f"{item['field']}: {item['reason']}" if item["field"] else str(item["reason"]) for item in fields
    )
    return Response(error_body(code=code, message=message or "Invalid input.", fields=fields), status=400)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error in the one shape."""
    if isinstance(exc, NotFound):
        fields = [{"field": exc.field, "reason": exc.message}] if exc.field else []
        return Response(error_body(code="not_found", message=exc.message, fields=fields), status=404)
    if isinstance(exc, CommerceError):
        fields = [{"field": exc.field, "reason": exc.message}] if exc.field else []
        return Response(error_body(code=exc.code, message=exc.message, fields=fields), status=400)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        return _validation_response(_flatten(detail))
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(_flatten(exc.detail))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else "Request failed."
        response.data = error_body(code=code, message=message)
    return response


# The responses every operation may give, documented once (see schema.py).
COMMON_ERROR_STATUSES = (status.HTTP_400_BAD_REQUEST, status.HTTP_404_NOT_FOUND, status.HTTP_429_TOO_MANY_REQUESTS)
