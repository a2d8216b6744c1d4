"""Django forms as the API's validators, so a call is checked exactly as the HTML page checks it.

A serializer documents the body's shape (its fields come from the form, see ``form_body_fields``);
the form then applies the page's rules, and its errors become the API's one error shape.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework import exceptions, serializers

from .errors import NON_FIELD


def form_body_fields(form_class: type[forms.Form], *, names: list[str] | None = None) -> dict[str, serializers.Field]:
    """Serializer fields mirroring a form's: the same names, requiredness, lengths and labels."""
    fields: dict[str, serializers.Field] = {}
    for name, field in form_class.base_fields.items():
        if names is not None and name not in names:
            continue
        options: dict[str, Any] = {"required": field.required, "help_text": str(field.label or "") or None}
        if isinstance(field, forms.BooleanField):
            fields[name] = serializers.BooleanField(**options)
            continue
        if getattr(field, "max_length", None):
            options["max_length"] = field.max_length
        fields[name] = serializers.CharField(allow_blank=not field.required, trim_whitespace=False, **options)
    return fields


def form_cleaned_data(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or a 400 naming each field the form refused and why."""
    if form.is_valid():
        return form.cleaned_data
    detail = {(NON_FIELD if name == NON_FIELD_ERRORS else name): list(errors) for name, errors in form.errors.items()}
    raise exceptions.ValidationError(detail)
