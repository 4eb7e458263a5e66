"""Who a browser is (DESIGN "Identity"): anonymous, claimed or verified.

- **anonymous**: its own signed ``em_vid`` cookie and its own history;
- **claimed**: it typed an email that is not proven to be its own (unverified);
- **verified**: it created the lead (and still holds the cookie issued then), or it opened a
  one-time link sent to that address.

Only a verified browser is linked to a lead (``Visitor.lead``), sees its history or changes
its fields. The visitor id comes from the signed, HttpOnly ``em_vid`` cookie only: a value
in a request body, or an unsigned or tampered cookie, is ignored.

``core.context`` builds the request context on this: ``visitor_id_from_cookie`` when it is
built (no query) and ``identity_of`` when a caller first asks for ``ctx.lead_id`` (one
row). Nothing here writes. The cookie is read whatever the analytics consent; the privacy
gate (``privacy.middleware``) expires it on responses without consent, and
``RequestContext.tracked_visitor_id`` is the consent-gated reading.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.http import HttpRequest

VISITOR_COOKIE = "em_vid"
_COOKIE_SALT = "leads.identity.visitor"


class Level(enum.StrEnum):
    ANONYMOUS = "anonymous"
    CLAIMED = "claimed"
    VERIFIED = "verified"


@dataclass(frozen=True)
class Identity:
    """The browser's identity. ``lead_id`` is set only when ``level`` is verified."""

    visitor_id: uuid.UUID | None
    level: Level = Level.ANONYMOUS
    lead_id: uuid.UUID | None = None

    @property
    def verified(self) -> bool:
        return self.level == Level.VERIFIED


ANONYMOUS = Identity(visitor_id=None)


def _signer() -> signing.Signer:
    return signing.get_cookie_signer(salt=VISITOR_COOKIE + _COOKIE_SALT)


def visitor_cookie_value(visitor_id: uuid.UUID | str) -> str:
    """The signed cookie value for ``visitor_id``."""
    return _signer().sign(str(visitor_id))


def visitor_id_from_cookie(raw: Any) -> uuid.UUID | None:
    """The visitor id in a signed ``em_vid`` value; None when missing, unsigned or forged."""
    if not raw or not isinstance(raw, str) or len(raw) > 200:
        return None
    try:
        value = _signer().unsign(raw)
        return uuid.UUID(value)
    except (signing.BadSignature, ValueError):
        return None


def visitor_id_from_request(request: HttpRequest) -> uuid.UUID | None:
    return visitor_id_from_cookie(request.COOKIES.get(VISITOR_COOKIE))


def visitor_id_from_scope(scope: dict) -> uuid.UUID | None:
    """The same for a WebSocket scope (cookies parsed by the Channels cookie middleware)."""
    return visitor_id_from_cookie((scope.get("cookies") or {}).get(VISITOR_COOKIE))


def identity_of(visitor_id: uuid.UUID | None) -> Identity:
    """The identity of a known visitor id (one query)."""
    if visitor_id is None:
        return ANONYMOUS
    from leads.models import Visitor

    row = (
        Visitor.objects.filter(pk=visitor_id)
        .values_list("lead_id", "claimed_email", "lead__deleted_at", "lead__erased_at")
        .first()
    )
    if row is None:
        return Identity(visitor_id=visitor_id)
    lead_id, claimed, deleted_at, erased_at = row
    if lead_id is not None and deleted_at is None and erased_at is None:
        return Identity(visitor_id=visitor_id, level=Level.VERIFIED, lead_id=lead_id)
    return Identity(visitor_id=visitor_id, level=Level.CLAIMED if claimed else Level.ANONYMOUS)


def identity_for_request(request: HttpRequest) -> Identity:
    """The current browser's identity, computed once per request."""
    cached = getattr(request, "_em_identity", None)
    if cached is None:
        cached = identity_of(visitor_id_from_request(request))
        request._em_identity = cached
    return cached


def identity_for_scope(scope: dict) -> Identity:
    return identity_of(visitor_id_from_scope(scope))
