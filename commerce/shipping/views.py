"""Shippo's tracking webhook: authenticate, store, apply once.

Shippo signs nothing, so the endpoint is authenticated by a secret: registered as
``/shipping/shippo/webhook/?token=<SHIPPO_WEBHOOK_SECRET>`` (or sent as the
``X-Magpie-Webhook-Token`` header by a proxy). A wrong or missing secret is 401 and nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce.core.rls import runs_as_system

from .providers.shippo import parse_track_webhook
from .tracking import webhook_apply, webhook_record

logger = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 512 * 1024


def _authenticated(request: HttpRequest) -> bool:
    secret = settings.SHIPPO_WEBHOOK_SECRET or ""
    given = request.headers.get("X-Magpie-Webhook-Token") or request.GET.get("token") or ""
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def _error(status: int, error: str, field: str, message: str) -> JsonResponse:
    return JsonResponse({"error": error, "field": field, "message": message}, status=status)


@csrf_exempt  # authenticated by the shared secret instead
@require_POST
@runs_as_system("shippo_webhook")  # events concern any order, and no one is signed in
def shippo_webhook(request: HttpRequest) -> JsonResponse:
    if not _authenticated(request):
        return _error(401, "unauthorized", "token", "The webhook secret does not match.")
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return _error(413, "too_large", "body", "Payload too large.")
    try:
        payload = json.loads(request.body)
        event_type = str(payload.get("event", "")) if isinstance(payload, dict) else ""
    except ValueError:
        return _error(400, "malformed", "body", "The body is not JSON.")
    if event_type != "track_updated":
        return JsonResponse({"received": True, "result": "ignored: event type not handled"})
    try:
        _, _, tracking = parse_track_webhook(request.body)
    except ValueError:
        return _error(400, "malformed", "data", "The body is not a Shippo track_updated event.")
    status_id = tracking.current.event_id if tracking.current else ""
    event_id = status_id or hashlib.sha256(request.body).hexdigest()
    record = webhook_record(event_id=f"track:{tracking.tracking_number}:{event_id}", type=event_type, payload=payload)
    record = webhook_apply(record=record, tracking=tracking)
    logger.info("shippo event %s %s: %s", event_type, record.event_id, record.result)
    return JsonResponse({"received": True, "result": record.result})
