"""The consent ledger: one appended row per decision, never updated."""

from __future__ import annotations

import hashlib

from django.db import transaction

from core.net import truncate_ip
from leads.models import ConsentRecord, Lead, Visitor
from leads.services.inputs import CaptureError

# --- Consent ledger -------------------------------------------------------------------------


def wording_hash(wording: str) -> str:
    return hashlib.sha256((wording or "").encode()).hexdigest() if wording else ""


@transaction.atomic
def consent_record(
    *,
    purpose: str,
    granted: bool,
    lead: Lead | None = None,
    visitor: Visitor | None = None,
    method: str = "checkbox",
    legal_basis: str = "consent",
    wording: str = "",
    page_url: str = "",
    ip: str = "",
) -> ConsentRecord:
    """Append one consent decision (a withdrawal is ``granted=False``)."""
    if purpose not in ConsentRecord.Purpose.values:
        raise CaptureError({"purpose": [f"Unknown purpose {purpose!r}."]})
    return ConsentRecord.objects.create(
        lead=lead,
        visitor=visitor,
        purpose=purpose,
        granted=bool(granted),
        method=(method or "checkbox")[:30],
        legal_basis=(legal_basis or "consent")[:30],
        wording=wording or "",
        wording_hash=wording_hash(wording),
        page_url=(page_url or "")[:500],
        ip_truncated=truncate_ip(ip),
    )
