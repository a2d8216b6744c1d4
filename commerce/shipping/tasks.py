"""Background jobs for shipping: thin, idempotent."""

from __future__ import annotations

from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:send_tracking_email")
def send_tracking_email(shipment_id: int, kind: str) -> bool:
    from .emails import shipment_email_send

    return shipment_email_send(shipment_id=shipment_id, kind=kind)


@task()
@runs_as_system("task:refresh_shipments")
def refresh_shipments() -> int:
    from .tracking import shipments_refresh

    return shipments_refresh()
