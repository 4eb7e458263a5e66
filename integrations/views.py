"""Inbound webhooks. Thin: verify, record receipts, queue the work."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from integrations import tasks
from integrations.hubspot import webhooks
from integrations.queue import enqueue

BODY_ERROR = {"body": ["Expected a JSON array of events."]}


@csrf_exempt
@require_POST
def hubspot_webhook(request: HttpRequest) -> JsonResponse:
    """Errors (``SignatureError``, a bad body) are ``ApplicationError``s, rendered by
    ``core.errors.ApplicationErrorMiddleware``."""
    webhooks.verify(
        method=request.method or "POST",
        uri=request.build_absolute_uri(),
        body=request.body,
        signature=request.headers.get("X-HubSpot-Signature-v3", ""),
        timestamp=request.headers.get("X-HubSpot-Request-Timestamp", ""),
    )
    try:
        events = json.loads(request.body or b"[]")
    except ValueError as exc:
        raise ApplicationError("Invalid JSON.", BODY_ERROR) from exc
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise ApplicationError("Invalid payload.", BODY_ERROR)
    with transaction.atomic():
        fresh = webhooks.receipts_new(events=events)
        if fresh:
            enqueue(tasks.hubspot_apply_webhook, fresh)
    return JsonResponse({"accepted": len(fresh), "duplicates": len(events) - len(fresh)})
