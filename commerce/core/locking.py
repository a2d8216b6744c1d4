"""Row locks, taken one way everywhere.

``FOR NO KEY UPDATE`` rather than ``FOR UPDATE``: inserting a row that references a locked row
(an order line pointing at a variant, a payment pointing at an order) takes a ``KEY SHARE`` lock
on it, which ``FOR UPDATE`` would block — a needless wait at best, a deadlock at worst.
``OF self``: lock only the rows of the queried table, never the rows ``select_related`` joins in
(locking a store row would serialise every checkout of the store).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def locked(queryset: QuerySet[M]) -> QuerySet[M]:
    """The queryset's own rows, locked until the end of the transaction (call inside ``atomic``)."""
    return queryset.select_for_update(no_key=True, of=("self",))
