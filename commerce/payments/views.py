"""The provider's webhook endpoint: verify, store, apply once (409 while the payment it names is
not recorded yet, so the provider retries)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce.core.rls import runs_as_system

from .gateway import get_gateway
from .interface import InvalidWebhook
from .services import webhook_apply, webhook_record

logger = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 512 * 1024


@csrf_exempt  # authenticated by the provider's signature instead
@require_POST
@runs_as_system("stripe_webhook")  # events concern any order, and no one is signed in
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"error": "too_large", "field": "body", "message": "Payload too large."}, status=413)
    try:
        event = get_gateway().parse_webhook(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except InvalidWebhook:
        return JsonResponse(
            {"error": "invalid_signature", "field": "Stripe-Signature", "message": "The signature does not match."},
            status=400,
        )
    record = webhook_record(event=event)
    record = webhook_apply(record=record, problem=event.problem)
    logger.info("stripe event %s %s: %s", event.type, event.id, record.result)
    if record.is_waiting:
        # Not a 2xx, so the provider delivers it again later (Stripe: for up to three days).
        return JsonResponse(
            {
                "error": "payment_not_found_yet",
                "field": "data.object.metadata.magpie_payment_id",
                "message": "The payment this event names is not recorded yet; retry later.",
                "received": True,
                "result": record.result,
            },
            status=409,
        )
    return JsonResponse({"received": True, "result": record.result})
