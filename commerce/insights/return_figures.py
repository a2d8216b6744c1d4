"""Returns in a period, per currency (the order's), read-only.

A return counts as *requested*, *approved*, *received*, *rejected* or *refunded* in the period when
its order's history records that step (``OrderEvent`` RETURN_*) on a local day of the period, in the
order's store time zone. A return created by staff is recorded as approved at once (it was never
"requested" by the customer). Units returned and the reasons are those of returns opened in the
period (created on one of its days), less rejected ones. The refunded value is what the refund of
each return refunded in the period paid back: per line, ``line_total × quantity / ordered``, to the
cent (the figure the refund step itself computes). Past days are read from the summary
(``insights.DailyReturns``/``DailyReturnReasons``, ``activity_summary.py``), today from the returns.
Call through :func:`returns_summary`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Round

from commerce.orders.fulfilment_models import ReturnLine, ReturnReason, ReturnRequest
from commerce.orders.models import OrderEvent

from .metrics_scope import Period, StoreWindow, in_windows, metric_query, stores_in_scope
from .models import DailyReturnReasons, DailyReturns
from .summary_reads import SplitPeriod, add_up, split_period

STEPS = {
    OrderEvent.Type.RETURN_REQUESTED: "requested",
    OrderEvent.Type.RETURN_APPROVED: "approved",
    OrderEvent.Type.RETURN_RECEIVED: "received",
    OrderEvent.Type.RETURN_REJECTED: "rejected",
    OrderEvent.Type.RETURN_REFUNDED: "refunded",
}
TOP_REASONS = 5


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    units: int
    returns: int


@dataclass(frozen=True)
class ReturnsSummary:
    """One currency's returns in a period."""

    currency: str
    requested: int = 0
    approved: int = 0
    received: int = 0
    rejected: int = 0
    refunded: int = 0
    units_returned: int = 0
    refunded_value: Decimal = Decimal("0.00")
    top_reasons: tuple[ReasonCount, ...] = field(default_factory=tuple)


def _step_counts(store_windows: Sequence[StoreWindow]) -> tuple[dict[str, Counter], set[int]]:
    """Returns per step per currency, and the ids of returns refunded in the windows (one query)."""
    rows = (
        OrderEvent.objects.filter(
            in_windows(store_windows, field="created_at", store="order__store_id"), type__in=list(STEPS)
        )
        .values_list("order__currency", "type", "data__return_request")
        .distinct()
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    refunded_ids: set[int] = set()
    for currency, kind, return_id in rows:
        counts[currency][STEPS[kind]] += 1
        if kind == OrderEvent.Type.RETURN_REFUNDED and return_id is not None:
            refunded_ids.add(int(return_id))
    return counts, refunded_ids


def _opened_lines(store_windows: Sequence[StoreWindow]):
    return ReturnLine.objects.filter(
        in_windows(store_windows, field="return_request__created_at", store="return_request__order__store_id")
    ).exclude(return_request__status=ReturnRequest.Status.REJECTED)


def _refunded_values(refunded_ids: set[int]) -> dict[str, Decimal]:
    if not refunded_ids:
        return {}
    value = Round(
        ExpressionWrapper(
            F("order_line__line_total") * F("quantity") / F("order_line__quantity"),
            output_field=DecimalField(max_digits=14, decimal_places=4),
        ),
        2,
    )
    rows = (
        ReturnLine.objects.filter(return_request_id__in=sorted(refunded_ids))
        .values("return_request__order__currency")
        .annotate(total=Sum(value))
        .order_by()
    )
    return {row["return_request__order__currency"]: row["total"].quantize(Decimal("0.01")) for row in rows}


def _past_figures(split: SplitPeriod) -> tuple[dict[str, dict], list[dict]]:
    """Steps and refunded value per currency, and units and returns per currency and reason, of the
    summary's days (two queries; none without past days)."""
    if not split.has_past:
        return {}, []
    steps = {
        row["currency"]: row
        for row in DailyReturns.objects.filter(split.past)
        .values("currency")
        .annotate(**{step: Sum(step) for step in STEPS.values()}, value=Sum("refunded_value"))
        .order_by()
    }
    reasons = list(
        DailyReturnReasons.objects.filter(split.past)
        .values("currency", "reason")
        .annotate(units=Sum("units"), returns=Sum("returns"))
        .order_by()
    )
    return steps, reasons


def returns_summary(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[ReturnsSummary]:
    """Returns per step, units returned, refunded value and top reasons per currency, for the stores
    ``user`` may see (narrowed to ``store_ids``): past days from the summary (two queries), today
    from the returns (three more, four with refunded returns). A return takes each step once and is
    opened on one day, so the days' counts add up exactly."""
    labels = dict(ReturnReason.choices)
    with metric_query(user=user):
        split = split_period(stores_in_scope(user=user, store_ids=store_ids), period)
        past_steps, past_reasons = _past_figures(split)
        counts, refunded_ids = _step_counts(split.live) if split.live else ({}, set())
        live_reasons = (
            list(
                _opened_lines(split.live)
                .values("return_request__order__currency", "reason")
                .annotate(units=Sum("quantity"), returns=Count("return_request_id", distinct=True))
                .order_by()
            )
            if split.live
            else []
        )
        values = _refunded_values(refunded_ids)
    for currency, row in past_steps.items():
        counts.setdefault(currency, Counter()).update({step: row[step] for step in STEPS.values()})
        values[currency] = values.get(currency, Decimal("0.00")) + row["value"]
    per_reason = add_up(
        {},
        [{**row, "currency": row.pop("return_request__order__currency")} for row in live_reasons] + past_reasons,
        key=("currency", "reason"),
        sums=("units", "returns"),
    )
    units: Counter = Counter()
    top: dict[str, list[ReasonCount]] = defaultdict(list)
    for row in sorted(per_reason.values(), key=lambda r: (r["currency"], -r["units"], -r["returns"], r["reason"])):
        currency = row["currency"]
        units[currency] += row["units"]
        if len(top[currency]) < TOP_REASONS:
            top[currency].append(
                ReasonCount(row["reason"], labels.get(row["reason"], row["reason"]), row["units"], row["returns"])
            )
    return [
        ReturnsSummary(
            currency=currency,
            **{step: counts.get(currency, Counter())[step] for step in STEPS.values()},
            units_returned=units[currency],
            refunded_value=values.get(currency, Decimal("0.00")),
            top_reasons=tuple(top[currency]),
        )
        for currency in sorted(set(counts) | set(units) | set(values))
    ]
