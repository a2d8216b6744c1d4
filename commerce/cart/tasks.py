"""Background jobs for carts: thin, idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:delete_stale_carts")
def delete_stale_carts() -> int:
    from .services import carts_delete_stale

    return carts_delete_stale(updated_before=timezone.now() - timedelta(days=settings.MAGPIE_STALE_CART_DAYS))
