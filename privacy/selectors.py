"""Reads of the privacy app: the consent gate, suppressions, and everything held on a person.

``analytics_allowed(request)`` is THE tracking gate: true only when the visitor chose
analytics in the banner (``em_consent`` cookie) and the browser sends neither Global
Privacy Control (``Sec-GPC: 1``) nor Do-Not-Track (``DNT: 1``). Other apps call it before
setting ``em_vid`` or storing interactions; ``privacy.middleware`` enforces it as well.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest

from leads.facade import Lead, Visitor
from privacy.hashing import email_hash, normalize_email
from privacy.models import Suppression
from privacy.registry import PersonalData, Subject, active_entries

CONSENT_COOKIE = "em_consent"
VISITOR_COOKIE = "em_vid"
CONSENT_COOKIE_VERSION = "1"


@dataclass(frozen=True)
class ConsentState:
    decided: bool
    analytics: bool
    marketing: bool
    signal: bool  # Global Privacy Control or Do-Not-Track sent by the browser

    @property
    def effective_analytics(self) -> bool:
        return self.analytics and not self.signal

    @property
    def effective_marketing(self) -> bool:
        return self.marketing and not self.signal


def consent_cookie_value(*, analytics: bool, marketing: bool) -> str:
    return f"{CONSENT_COOKIE_VERSION}.a{int(analytics)}.m{int(marketing)}"


def consent_cookie_parse(value: str | None) -> tuple[bool, bool] | None:
    """``(analytics, marketing)`` from the cookie, or None if absent or malformed."""
    parts = (value or "").split(".")
    if len(parts) != 3 or parts[0] != CONSENT_COOKIE_VERSION:
        return None
    flags = {}
    for part, key in zip(parts[1:], ("a", "m"), strict=True):
        if part not in (f"{key}0", f"{key}1"):
            return None
        flags[key] = part.endswith("1")
    return flags["a"], flags["m"]


def privacy_signal(request: HttpRequest) -> bool:
    """True when the browser sends Global Privacy Control or Do-Not-Track."""
    return _signal_in(request.META)


def _signal_in(meta: Mapping[str, Any]) -> bool:
    gpc, dnt = meta.get("HTTP_SEC_GPC") or "", meta.get("HTTP_DNT") or ""
    return gpc.strip() == "1" or dnt.strip() == "1"


def consent_state(request: HttpRequest) -> ConsentState:
    return consent_state_of(cookies=request.COOKIES, meta=request.META)


def consent_state_of(*, cookies: Mapping[str, str], meta: Mapping[str, Any]) -> ConsentState:
    """The consent in force from a request's (or a WebSocket scope's) cookies and headers."""
    parsed = consent_cookie_parse(cookies.get(CONSENT_COOKIE))
    signal = _signal_in(meta)
    if parsed is None:
        return ConsentState(decided=False, analytics=False, marketing=False, signal=signal)
    return ConsentState(decided=True, analytics=parsed[0], marketing=parsed[1], signal=signal)


def analytics_allowed(request: HttpRequest) -> bool:
    """The tracking gate: may this request set ``em_vid`` and store interactions?"""
    return consent_state(request).effective_analytics


def marketing_allowed(request: HttpRequest) -> bool:
    return consent_state(request).effective_marketing


def is_suppressed(email: str) -> bool:
    """True when the address was erased: bulk imports must skip it (own sign-ups are fine)."""
    if not normalize_email(email):
        return False
    return Suppression.objects.filter(email_hash=email_hash(email)).exists()


# --- the data subject -----------------------------------------------------------------------


def _visitor_ids_for(lead_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    if not lead_ids:
        return set()
    return set(Visitor._base_manager.filter(lead_id__in=lead_ids).values_list("pk", flat=True))


def _phones_of(lead_ids: set[uuid.UUID]) -> set[str]:
    if not lead_ids:
        return set()
    phones = Lead._base_manager.filter(pk__in=lead_ids).values_list("phone", flat=True)
    return {p.strip() for p in phones if p and p.strip()}


def subject_for_lead(lead: models.Model) -> Subject:
    address = normalize_email(getattr(lead, "email_normalized", "") or lead.email)
    return Subject(
        lead_ids={lead.pk},
        visitor_ids=_visitor_ids_for({lead.pk}),
        emails={address} if address else set(),
        phones=_phones_of({lead.pk}),
    )


def leads_for_email(email: str) -> list[models.Model]:
    """Live (not erased) leads with this address, soft-deleted ones included."""
    address = normalize_email(email)
    if not address:
        return []
    return list(Lead._base_manager.filter(email_normalized=address, erased_at__isnull=True))


def subject_for_email(email: str) -> Subject:
    address = normalize_email(email)
    lead_ids = {lead.pk for lead in leads_for_email(address)}
    return Subject(
        lead_ids=lead_ids,
        visitor_ids=_visitor_ids_for(lead_ids),
        emails={address} if address else set(),
        phones=_phones_of(lead_ids),
    )


# --- export ------------------------------------------------------------------------------------


def row_as_dict(obj: models.Model, entry: PersonalData) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in entry.export_exclude or f.attname in entry.export_exclude:
            continue
        value = getattr(obj, f.attname)
        # Round-trip through the JSON encoder so dates, UUIDs and decimals are plain values.
        row[f.attname if f.is_relation else f.name] = json.loads(
            json.dumps(value, cls=DjangoJSONEncoder)
        )
    return row


def personal_data_collect(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Everything held on the subject, per registry model label (models that exist now)."""
    data: dict[str, list[dict[str, Any]]] = {}
    for entry, _model in active_entries():
        qs = entry.queryset(subject)
        rows = [] if qs is None else [row_as_dict(obj, entry) for obj in qs.order_by("pk")]
        data[entry.label] = rows
    return data
