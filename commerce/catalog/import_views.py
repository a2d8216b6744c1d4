"""The Products screen's CSV import (``/admin/products/import/``): upload, preview every change
(old → new) with every error named by row and field, then confirm. HTTP only: ``csv_import`` checks
and applies; confirming checks the whole file again, so nothing that changed since the preview
slips through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from wagtail.admin import messages

from commerce.stores.staff_scope import staff_store_ids

from .csv_import import FIELDS, ImportPlan, ImportRefused, apply_import, decode_upload, plan_import

TEMPLATE = "catalog/admin/import.html"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"A header row with sku and any of: {', '.join(FIELDS)}. Absent columns change nothing.",
    )


class ConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)


class ProductImportView(View):
    def render(self, request: HttpRequest, **context: Any) -> HttpResponse:
        context.setdefault("form", UploadForm())
        context["back_url"] = reverse("products:index")
        context["title"] = "Import products (CSV)"
        return TemplateResponse(request, TEMPLATE, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        store_ids = staff_store_ids(request.user)
        if "csv_text" in request.POST:
            return self.confirm(request, store_ids)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        try:
            text = decode_upload(form.cleaned_data["file"])
            plan = plan_import(text=text, store_ids=store_ids, user=request.user)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.render(request, form=form)
        return self.preview(request, plan, text)

    def preview(self, request: HttpRequest, plan: ImportPlan, text: str) -> HttpResponse:
        confirm = ConfirmForm(initial={"csv_text": text}) if plan.ok and plan.changed_rows else None
        return self.render(request, plan=plan, confirm=confirm)

    def confirm(self, request: HttpRequest, store_ids: list[int] | None) -> HttpResponse:
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return self.render(request)
        text = form.cleaned_data["csv_text"]
        try:
            plan = apply_import(text=text, store_ids=store_ids, user=request.user)
        except ImportRefused as exc:
            upload = UploadForm()
            upload.add_error(None, str(exc))
            return self.render(request, form=upload)
        if not plan.ok:
            messages.error(request, "Nothing was changed: the file no longer passes every check.")
            return self.preview(request, plan, text)
        changed = len(plan.changed_rows)
        messages.success(request, f"{changed} variant{'s' if changed != 1 else ''} updated from the CSV file.")
        return redirect("products:index")
