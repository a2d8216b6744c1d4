"""CSV import of stock: every row is validated first; either every row is applied, in one
transaction, or nothing is and each bad row is reported with its reason.

Columns (a header row is required): ``sku``, ``location``, and one of ``count`` (what was counted:
the difference is recorded as a count movement, so importing the same counts again changes
nothing) or ``delta`` (a signed change recorded as an adjustment). ``store`` is needed only when
the staff member works on several stores with the same SKU.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from commerce.catalog.models import ProductVariant

from .models import AdjustmentReason, MovementKind, StockLocation
from .services import StockChange, StockChangeRefused, stock_change

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int  # the line number in the file, the header being line 1
    message: str


@dataclass
class ImportResult:
    applied: int = 0
    movements: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(upload: Any) -> str:
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise StockChangeRefused(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.", field="file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StockChangeRefused("The file is not UTF-8 text.", field="file") from None


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except (TypeError, ValueError):
        return None


def stock_import_csv(
    *, upload: Any, store_ids: list[int] | None, actor: Any = None, reason: str = AdjustmentReason.CORRECTION
) -> ImportResult:
    """Validate every row of ``upload``; apply all of them or none. ``store_ids`` limits the stores
    (``None``: every store)."""
    reader = csv.DictReader(io.StringIO(_text(upload)))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"sku", "location"} <= columns or not columns & {"count", "delta"}:
        raise StockChangeRefused("The header must name sku, location and count or delta.", field="file")
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    if len(rows) > MAX_ROWS:
        raise StockChangeRefused(f"Import at most {MAX_ROWS} rows at a time.", field="file")
    variants = ProductVariant.objects.filter(sku__in={r.get("sku", "") for r in rows}, store__isnull=False)
    locations = StockLocation.objects.filter(name__in={r.get("location", "") for r in rows})
    if store_ids is not None:
        variants = variants.filter(store_id__in=store_ids)
        locations = locations.filter(store_id__in=store_ids)
    by_sku: dict[str, list[ProductVariant]] = {}
    for variant in variants.select_related("store"):
        by_sku.setdefault(variant.sku, []).append(variant)
    by_name: dict[tuple[int, str], StockLocation] = {(loc.store_id, loc.name): loc for loc in locations}

    result = ImportResult()
    counts: list[StockChange] = []
    deltas: list[StockChange] = []
    seen: set[tuple[int, int]] = set()
    for number, row in enumerate(rows, start=2):
        problem, change = _validate(row, by_sku, by_name)
        if change and (change.variant_id, change.location_id) in seen:
            problem = "the same SKU and location appear on an earlier row"
        if problem:
            result.errors.append(RowError(number, problem))
            continue
        seen.add((change.variant_id, change.location_id))
        (counts if change.count is not None else deltas).append(change)
    if not rows:
        result.errors.append(RowError(2, "the file has no rows"))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            note = "CSV import"
            if counts:
                result.movements += len(stock_change(changes=counts, kind=MovementKind.COUNT, note=note, actor=actor))
            if deltas:
                result.movements += len(stock_change(changes=deltas, reason=reason, note=note, actor=actor))
    except StockChangeRefused as exc:  # under the locks, a figure moved since validation
        result.errors.append(RowError(0, exc.message))
        return result
    result.applied = len(rows)
    return result


def _validate(
    row: dict[str, str],
    by_sku: dict[str, list[ProductVariant]],
    by_name: dict[tuple[int, str], StockLocation],
) -> tuple[str, StockChange | None]:
    sku, location_name = row.get("sku", ""), row.get("location", "")
    if not sku:
        return "no SKU", None
    candidates = by_sku.get(sku, [])
    if row.get("store"):
        candidates = [v for v in candidates if v.store.name == row["store"]]
    if not candidates:
        return f"unknown SKU {sku!r}", None
    if len(candidates) > 1:
        return f"SKU {sku!r} exists in several stores: add a store column", None
    variant = candidates[0]
    location = by_name.get((variant.store_id, location_name))
    if location is None:
        return f"unknown location {location_name!r} in {variant.store.name}", None
    count, delta = row.get("count", ""), row.get("delta", "")
    if bool(count) == bool(delta):
        return "give either a count or a delta", None
    if count:
        value = _int(count)
        if value is None or value < 0:
            return f"count {count!r} is not a whole number of at least 0", None
        return "", StockChange(variant_id=variant.pk, location_id=location.pk, count=value)
    value = _int(delta)
    if value is None or value == 0:
        return f"delta {delta!r} is not a whole number other than 0", None
    return "", StockChange(variant_id=variant.pk, location_id=location.pk, delta=value)
