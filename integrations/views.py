"""Inbound webhooks. Thin: verify, record receipts, queue the work."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations import tasks
from integrations.hubspot import webhooks
from integrations.queue import enqueue


def _error(status: int, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "details": details or {}}, status=status)


@csrf_exempt
@require_POST
def hubspot_webhook(request: HttpRequest) -> JsonResponse:
    try:
        webhooks.verify(
            method=request.method or "POST",
            uri=request.build_absolute_uri(),
            body=request.body,
            signature=request.headers.get("X-HubSpot-Signature-v3", ""),
            timestamp=request.headers.get("X-HubSpot-Request-Timestamp", ""),
        )
    except webhooks.SignatureError as exc:
        return _error(401, str(exc))
    try:
        events = json.loads(request.body or b"[]")
    except ValueError:
        return _error(400, "Invalid JSON.", {"body": ["Expected a JSON array of events."]})
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _error(400, "Invalid payload.", {"body": ["Expected a JSON array of events."]})
    with transaction.atomic():
        fresh = webhooks.receipts_new(events=events)
        if fresh:
            enqueue(tasks.hubspot_apply_webhook, fresh)
    return JsonResponse({"accepted": len(fresh), "duplicates": len(events) - len(fresh)})
