"""``manage.py update_index``: Wagtail's command, reading products as bare primary keys.

Wagtail's command loads every object of a model with its relations, 1,000 at a time by OFFSET, and
hands them to the backend. For the models ``search.bulk_index`` handles (products), the backend
(``search.backend``) only needs their primary keys, so this reads them by keyset in batches and the
backend computes the entries in PostgreSQL; title norms are refreshed once, at the end of the
rebuild. Other models are indexed as before. Progress: a dot per batch (Wagtail's), then one
summary line.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import models
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndexCommand

from search import bulk_index


class Command(WagtailUpdateIndexCommand):
    def handle(self, **options: Any) -> None:
        started = time.monotonic()
        super().handle(**options)
        self.write(f"update_index finished in {time.monotonic() - started:.1f} s.")

    def update_backend(self, backend_name: str, **options: Any) -> None:
        with bulk_index.title_norms_deferred():  # the rebuilder refreshes them all when it finishes
            super().update_backend(backend_name, **options)

    def queryset_chunks(self, qs: models.QuerySet, chunk_size: int = 1000) -> Iterator[list[models.Model]]:
        if not bulk_index.handles(qs.model):
            yield from super().queryset_chunks(qs, chunk_size)
            return
        for ids in bulk_index.id_batches(qs, batch_size=chunk_size):
            yield [qs.model(pk=pk) for pk in ids]
