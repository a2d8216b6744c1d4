"""Keep products' search entries whole.

The search backend indexes a page on ``post_save``, which Wagtail sends before the page's
inline child objects (variants, hence SKUs) are saved. Publishing re-indexes products once the
whole page, variants included, is committed, so a new or changed SKU is searchable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.search.tasks import insert_or_update_object_task
from wagtail.signals import page_published

from commerce.catalog.models import ProductPage


def reindex_published_product(sender: type, instance: ProductPage, **kwargs: Any) -> None:
    transaction.on_commit(
        lambda: insert_or_update_object_task.enqueue(
            instance._meta.app_label, instance._meta.model_name, str(instance.pk)
        )
    )


def register_signal_handlers() -> None:
    page_published.connect(
        reindex_published_product, sender=ProductPage, dispatch_uid="search.reindex_published_product"
    )
