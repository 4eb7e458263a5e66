"""HubSpot webhooks (v3 signatures): verify, drop replays, apply.

HubSpot signs ``method + uri + body + timestamp`` with the app's client secret
(HMAC-SHA256, base64) in ``X-HubSpot-Signature-v3`` and sends the time in milliseconds in
``X-HubSpot-Request-Timestamp``; a request older than five minutes is refused, and an
``eventId`` already applied is ignored, so a captured request cannot be replayed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.db import IntegrityError, transaction

from core.errors import ApplicationError
from integrations.hubspot.client import call, client
from integrations.models import WebhookReceipt

log = logging.getLogger(__name__)


class SignatureError(ApplicationError):
    """A webhook that is not HubSpot's, or not recent."""

    default_code = ApplicationError.UNAUTHENTICATED


def sign(*, secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    message = method.upper().encode() + unquote(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(*, method: str, uri: str, body: bytes, signature: str, timestamp: str) -> None:
    """Raise ``SignatureError`` unless the request is HubSpot's and recent."""
    secret = settings.HUBSPOT_CLIENT_SECRET
    if not secret:
        raise SignatureError("Webhooks are not configured.")
    if not signature or not timestamp or not timestamp.isdigit():
        raise SignatureError("Missing signature headers.")
    age = time.time() - int(timestamp) / 1000
    if abs(age) > settings.HUBSPOT_WEBHOOK_MAX_AGE_SECONDS:
        raise SignatureError("Request timestamp is outside the allowed window.")
    expected = sign(secret=secret, method=method, uri=uri, body=body, timestamp=timestamp)
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("Signature does not match.")


def receipts_new(*, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events not seen before (each eventId is recorded once; replays drop out)."""
    from integrations.hubspot.sync.pull import _parse_time

    fresh = []
    for event in events:
        event_id = str(event.get("eventId") or "")
        if not event_id:
            continue
        try:
            with transaction.atomic():
                WebhookReceipt.objects.create(
                    event_id=event_id[:64],
                    subscription_type=str(event.get("subscriptionType") or "")[:60],
                    occurred_at=_parse_time(event.get("occurredAt")),
                )
        except IntegrityError:
            continue
        fresh.append(event)
    return fresh


def events_apply(*, events: list[dict[str, Any]]) -> int:
    """Apply verified events: changed/created contacts are read back in one batch and
    applied with field ownership; deletions and GDPR deletions propagate here."""
    from hubspot.crm.contacts import BatchReadInputSimplePublicObjectId, SimplePublicObjectId

    from integrations.hubspot import mapping
    from integrations.hubspot.sync import (
        RemoteContact,
        contact_deleted_remotely,
        contact_erased_remotely,
        contacts_apply,
    )
    from integrations.hubspot.sync.pull import _parse_time

    changed: dict[str, Any] = {}
    applied = 0
    for event in events:
        kind = str(event.get("subscriptionType") or "")
        object_id = str(event.get("objectId") or "")
        if not object_id:
            continue
        if kind == "contact.privacyDeletion":
            applied += contact_erased_remotely(hubspot_id=object_id)
        elif kind == "contact.deletion":
            applied += contact_deleted_remotely(hubspot_id=object_id)
        elif kind in {"contact.creation", "contact.propertyChange"}:
            occurred = _parse_time(event.get("occurredAt"))
            changed[object_id] = max(changed.get(object_id, occurred), occurred)
        else:
            log.info("hubspot: webhook %s ignored", kind)
    if changed:
        response = call(
            client().crm.contacts.batch_api.read,
            BatchReadInputSimplePublicObjectId(
                properties=mapping.PROPERTIES,
                properties_with_history=[],
                inputs=[SimplePublicObjectId(id=i) for i in changed],
            ),
        )
        contacts = [
            RemoteContact(
                hubspot_id=str(obj.id),
                properties=dict(obj.properties or {}),
                modified_at=changed.get(str(obj.id)) or _parse_time(obj.updated_at),
            )
            for obj in response.results
        ]
        result = contacts_apply(contacts=contacts, source="webhook")
        applied += result.created + result.updated + result.unchanged
    return applied
