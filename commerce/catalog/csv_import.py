"""CSV import of prices and basic fields for the Products screen: every row is checked first and
shown as a preview (old → new); applying re-checks the whole file and changes every row or none.

Columns (a header row is required): ``sku`` (which variant), and any of ``title`` (its product's
title), ``price``, ``compare_at_price`` (empty clears it), ``active`` (yes/no, true/false, 1/0) and
``weight_grams``. An absent column or an empty cell changes nothing (except ``compare_at_price``,
where empty means none); ``store`` is needed only when the staff
member works on several stores using the same SKU. Errors name the row and the field.

Prices and titles are page content (in revisions), so a product's rows become one new revision of
it, published when it was live with nothing pending and the importer may publish (see
``merchandising.revise_page``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page

from .merchandising import lock_page, revise_page
from .models import ProductPage, ProductVariant

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
FIELDS = ("title", "price", "compare_at_price", "active", "weight_grams")
LABELS = {
    "title": "Title",
    "price": "Price",
    "compare_at_price": "Compare-at price",
    "active": "Active",
    "weight_grams": "Weight (g)",
}
TRUE, FALSE = {"yes", "true", "1", "y"}, {"no", "false", "0", "n"}


class ImportRefused(Exception):
    """The file as a whole cannot be read (not CSV, no sku column, too large)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file, the header being line 1
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {LABELS.get(self.field, self.field)}: {self.message}"


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return LABELS[self.field]


@dataclass(frozen=True)
class RowPlan:
    row: int
    variant: ProductVariant
    changes: tuple[Change, ...]


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.changes]


def read_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if "sku" not in columns:
        raise ImportRefused("The header must name a sku column.")
    if not columns & set(FIELDS):
        raise ImportRefused(f"The header names nothing to change: use any of {', '.join(FIELDS)}.")
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    if len(rows) > MAX_ROWS:
        raise ImportRefused(f"Import at most {MAX_ROWS} rows at a time.")
    return rows


def decode_upload(upload: Any) -> str:
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text.") from None


def _parse(name: str, value: str) -> Any:
    """The typed value of a cell; raises ValueError with the reason."""
    if name == "title":
        if len(value) > 255:
            raise ValueError("at most 255 characters")
        return value
    if name in ("price", "compare_at_price"):
        if name == "compare_at_price" and not value:
            return None
        try:
            amount = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{value!r} is not an amount of at least 0 with at most 2 decimals")
        if amount >= Decimal("1e10"):
            raise ValueError(f"{value!r} is too large")
        return amount.quantize(Decimal("0.01"))
    if name == "active":
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise ValueError(f"{value!r} is not yes or no")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise ValueError("cannot be negative")
    return number


def _current(variant: ProductVariant, name: str) -> Any:
    if name == "title":
        return variant.product.title
    return getattr(variant, "is_active" if name == "active" else name)


def plan_import(*, text: str, store_ids: list[int] | None, user: Any) -> ImportPlan:
    """Check every row of ``text`` against the variants of ``store_ids`` (``None``: all stores) that
    ``user`` may edit; nothing is written."""
    rows = read_rows(text)
    plan = ImportPlan()
    if not rows:
        plan.errors.append(RowError(2, "sku", "the file has no rows"))
        return plan
    variants = ProductVariant.objects.filter(sku__in={r.get("sku", "") for r in rows}, store__isnull=False)
    if store_ids is not None:
        variants = variants.filter(store_id__in=store_ids)
    by_sku: dict[str, list[ProductVariant]] = {}
    for variant in variants.select_related("store", "product"):
        by_sku.setdefault(variant.sku, []).append(variant)
    editable: dict[int, bool] = {}
    seen: set[int] = set()
    for number, row in enumerate(rows, start=2):
        sku = row.get("sku", "")
        candidates = [v for v in by_sku.get(sku, []) if not row.get("store") or v.store.name == row["store"]]
        if not sku or not candidates:
            plan.errors.append(RowError(number, "sku", f"unknown SKU {sku!r}" if sku else "no SKU"))
            continue
        if len(candidates) > 1:
            plan.errors.append(RowError(number, "sku", f"SKU {sku!r} is in several stores: add a store column"))
            continue
        variant = candidates[0]
        if variant.pk in seen:
            plan.errors.append(RowError(number, "sku", f"SKU {sku!r} is on an earlier row too"))
            continue
        seen.add(variant.pk)
        if variant.product_id not in editable:
            editable[variant.product_id] = variant.product.permissions_for_user(user).can_edit()
        if not editable[variant.product_id]:
            plan.errors.append(RowError(number, "sku", f"you may not edit “{variant.product.title}”"))
            continue
        plan.rows.append(_plan_row(number, row, variant, plan.errors))
    return plan


def _plan_row(number: int, row: dict[str, str], variant: ProductVariant, errors: list[RowError]) -> RowPlan:
    changes = []
    for name in FIELDS:
        if name not in row or (not row[name] and name != "compare_at_price"):
            continue
        try:
            new = _parse(name, row[name])
        except ValueError as exc:
            errors.append(RowError(number, name, str(exc)))
            continue
        if new != _current(variant, name):
            changes.append(Change(name, _current(variant, name), new))
    updated = {c.field: c.new for c in changes}
    price = updated.get("price", variant.price)
    compare = updated.get("compare_at_price", variant.compare_at_price)
    if compare is not None and compare <= price and ("price" in updated or "compare_at_price" in updated):
        errors.append(RowError(number, "compare_at_price", "must be higher than the price, or empty"))
    return RowPlan(row=number, variant=variant, changes=tuple(changes))


def _apply_to(page: ProductPage, rows: list[RowPlan]) -> None:
    by_sku = {row.variant.sku: {c.field: c.new for c in row.changes} for row in rows}
    for values in by_sku.values():
        if "title" in values:
            page.title = page.draft_title = values["title"]
    variants = list(page.variants.all())  # held, so the changes stay on these objects
    for variant in variants:
        for name, value in by_sku.get(variant.sku, {}).items():
            if name != "title":
                setattr(variant, "is_active" if name == "active" else name, value)
    page.variants = variants


@transaction.atomic
def apply_import(*, text: str, store_ids: list[int] | None, user: Any) -> ImportPlan:
    """Check the whole file again and apply every change, or none (the plan's errors say why)."""
    plan = plan_import(text=text, store_ids=store_ids, user=user)
    if not plan.ok:
        return plan
    by_product: dict[int, list[RowPlan]] = {}
    for row in plan.changed_rows:
        by_product.setdefault(row.variant.product_id, []).append(row)
    for product_id in sorted(by_product):  # locks in pk order: no deadlock between two imports
        product = lock_page(Page.objects.only("pk", "content_type").get(pk=product_id))
        rows = by_product[product.pk]

        def change_live_row(product: ProductPage = product, rows: list[RowPlan] = rows) -> None:
            _apply_to(product, rows)
            for variant in product.variants.all():
                variant.save()
            ProductPage.objects.filter(pk=product.pk).update(title=product.title, draft_title=product.draft_title)

        try:
            revise_page(
                product,
                lambda page, rows=rows: _apply_to(page, rows),
                actor=user,
                change_live_row=change_live_row,
                publish=product.permissions_for_user(user).can_publish(),
            )
        except ValidationError as exc:  # the page's own checks (a title Wagtail refuses)
            transaction.set_rollback(True)
            plan.errors.append(RowError(rows[0].row, "title", "; ".join(exc.messages)))
            return plan
    return plan
