"""The filters every report shares: a date range (default: the last 30 days), stores the asker
may see, the comparison period and, for the sales report, the interval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet

from commerce.orders.models import Order
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store

from .metrics_scope import Interval, Period


def _stores(request: Any):
    return scope_queryset(Store.objects.order_by("name"), request.user) if request else Store.objects.none()


class StoreFilterSet(WagtailFilterSet):
    """Stores only: for reports of a state now (stock), which have no date range."""

    store = django_filters.ModelMultipleChoiceFilter(queryset=_stores, label="Stores", method="ignore")

    class Meta:
        model = Order
        fields: list[str] = []

    def ignore(self, queryset, name, value):
        return queryset

    def store_ids(self) -> list[int] | None:
        stores = (self.form.cleaned_data if self.is_valid() else {}).get("store")
        return [store.pk for store in stores] if stores else None

    def comparing(self) -> bool:
        return False


class PeriodFilterSet(StoreFilterSet):
    start = django_filters.DateFilter(label="From", method="ignore")
    end = django_filters.DateFilter(label="To", method="ignore")
    compare = django_filters.BooleanFilter(label="Compare with the previous period", method="ignore")

    class Meta(StoreFilterSet.Meta):
        pass

    def period(self) -> Period:
        data = self.form.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=29)
        return Period(start, end) if start <= end else Period(end, start)

    def comparing(self) -> bool:
        value = (self.form.cleaned_data if self.is_valid() else {}).get("compare")
        return value is not False


class ReportFilterSet(PeriodFilterSet):
    """The sales report's filters: the period's, and the interval to group by."""

    interval = django_filters.ChoiceFilter(
        choices=[("day", "Day"), ("week", "Week"), ("month", "Month")], label="Group by", method="ignore"
    )

    class Meta(PeriodFilterSet.Meta):
        pass

    def chosen_interval(self) -> Interval:
        return (self.form.cleaned_data if self.is_valid() else {}).get("interval") or "day"
