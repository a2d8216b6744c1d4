"""Wagtail's PostgreSQL search backend, with products' entries written set-based.

``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "search.backend"``. Everything is modelsearch's
PostgreSQL backend except ``add_items`` for the models ``search.bulk_index`` handles (products):
their entries are computed by PostgreSQL for the whole batch instead of one expression per object.
Used by ``update_index`` (see ``search/management/commands/update_index.py``), by a publish (one
product) and by any other caller of the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.db.models import Avg, F
from django.db.models.functions import Length
from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend

from . import bulk_index


class BulkProductIndex(PostgresIndex):
    def add_items(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        if not bulk_index.handles(model):
            super().add_items(model, objs)
            return
        written = bulk_index.entries_write(model, [obj.pk for obj in objs], backend=self.backend)
        if written and bulk_index.title_norms_refresh_due():
            self._refresh_title_norms()

    def _refresh_title_norms(self, full: bool = False) -> None:
        """modelsearch's refresh (each entry's title norm is the average title length over its own),
        writing only the entries whose norm changes: rewriting an unchanged row rewrites its entries
        in every GIN index of the table, which made the end of a full ``update_index`` slow."""
        lengths = self.entries.annotate(title_length=Length("title")).filter(title_length__gt=0)
        average = lengths.aggregate(Avg("title_length"))["title_length__avg"]
        if average is None:
            return
        stale = lengths if full else lengths.filter(title_norm=1.0)
        stale.exclude(title_norm=average / F("title_length")).update(title_norm=average / F("title_length"))


class MagpieSearchBackend(PostgresSearchBackend):
    index_class = BulkProductIndex


SearchBackend = MagpieSearchBackend
