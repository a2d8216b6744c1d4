"""The low-stock email to a store's managers."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string

from commerce.accounts.roles import MANAGER, OWNER
from commerce.catalog.availability import available_stock
from commerce.catalog.models import ProductVariant
from commerce.stores.models import Store

logger = logging.getLogger(__name__)


def store_manager_emails(store: Store) -> list[str]:
    """Owners and Managers who work on ``store`` (every store without a limiting profile)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name__in=[OWNER, MANAGER])
        .exclude(email="")
    )
    users = users.filter(
        Q(staff_profile__isnull=True) | Q(staff_profile__all_stores=True) | Q(staff_profile__stores=store)
    )
    return sorted(set(users.values_list("email", flat=True)))


def low_stock_alert_send(*, variant_ids: list[int]) -> int:
    """Email each store's managers about its variants that ran low; returns the number of emails sent."""
    variants = list(
        ProductVariant.objects.filter(pk__in=variant_ids, store__isnull=False)
        .select_related("product", "store")
        .order_by("store_id", "sku")
    )
    available = available_stock(v.pk for v in variants)
    by_store: dict[Store, list[dict]] = defaultdict(list)
    for variant in variants:
        by_store[variant.store].append(
            {"variant": variant, "available": available.get(variant.pk, 0), "threshold": variant.low_stock_threshold}
        )
    sent = 0
    for store, rows in by_store.items():
        recipients = store_manager_emails(store)
        if not recipients:
            logger.warning("low-stock alert for store %s not sent: it has no Owner or Manager with an email", store.pk)
            continue
        context = {
            "store": store,
            "rows": rows,
            "inventory_url": f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/inventory/?low_stock=1",
        }
        subject = f"{store.name}: {len(rows)} variant{'s' if len(rows) != 1 else ''} low on stock"
        send_mail(
            subject,
            render_to_string("inventory/email/low_stock.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
        sent += 1
    return sent
