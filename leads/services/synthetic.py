"""SYNTHETIC demo leads and visitors (``load_demo --history``): written here, as every
write to the leads tables is, for the generators in ``predictions.demo`` and
``experiments.demo``.

What marks them: a synthetic lead's address is on the reserved ``synthetic.example``
domain (RFC 2606: it can never reach a person) and its ``campaign`` is
``SYNTHETIC_CAMPAIGN``; a synthetic visitor's ``utm_campaign`` is ``SYNTHETIC_CAMPAIGN``.
``synthetic_leads_q`` is the one test of "synthetic" for reporting that must leave them
out. They hold one consent decision, data processing only (no marketing, no analytics), so
no nurture or newsletter email is ever addressed to them.

Writing them again replaces them (delete, then one bulk insert each for leads, their
consent rows and their visitors), so running the demo twice never duplicates them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from leads.models import ConsentRecord, Lead, Visitor
from leads.services.consent import wording_hash
from leads.services.inputs import normalize_email

SYNTHETIC_DOMAIN = "synthetic.example"
SYNTHETIC_CAMPAIGN = "synthetic-demo"
SYNTHETIC_WORDING = "Synthetic demo data (load_demo --history): not a person; no consent given."
BATCH = 1000


@dataclass(frozen=True)
class SyntheticLead:
    """One generated lead: ``local`` is the address's local part (the domain is fixed),
    ``fields`` the lead's columns (``created_at``/``updated_at`` included: they are set
    after the insert, which would otherwise stamp them now), ``visitor_seen`` when its
    browser was first seen (a verified visitor is created with it)."""

    local: str
    fields: dict[str, Any] = field(default_factory=dict)
    visitor_seen: dt.datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def synthetic_leads_q(prefix: str = "") -> Q:
    """Leads that are synthetic (``prefix`` reaches a lead from another model: ``lead__``)."""
    return Q(**{f"{prefix}email_normalized__endswith": f"@{SYNTHETIC_DOMAIN}"})


def is_synthetic_email(email: str) -> bool:
    return (email or "").strip().lower().endswith(f"@{SYNTHETIC_DOMAIN}")


def synthetic_lead_ids(ids: Sequence[Any]) -> set[Any]:
    """Which of these lead ids are synthetic (one query)."""
    if not ids:
        return set()
    return set(
        Lead.all_objects.filter(synthetic_leads_q(), pk__in=list(ids)).values_list("pk", flat=True)
    )


def synthetic_delete() -> int:
    """Delete every synthetic lead (what cascades from them goes too) and synthetic visitor."""
    with transaction.atomic():
        Visitor.objects.filter(
            Q(utm_campaign=SYNTHETIC_CAMPAIGN) | synthetic_leads_q("lead__")
        ).delete()
        n, _ = Lead.all_objects.filter(synthetic_leads_q()).delete()
    return n


@transaction.atomic
def synthetic_leads_replace(*, leads: Sequence[SyntheticLead]) -> dict[uuid.UUID, Any]:
    """Replace the synthetic leads with these. Returns ``{lead id: visitor id}`` (None for
    a lead without a visitor)."""
    synthetic_delete()
    rows = []
    for s in leads:
        email = f"{s.local}@{SYNTHETIC_DOMAIN}"
        lead = Lead(id=s.id, email=email, email_normalized=normalize_email(email))
        for name, value in s.fields.items():
            setattr(lead, name, value)
        lead.campaign = SYNTHETIC_CAMPAIGN
        rows.append(lead)
    times = [(lead.created_at, lead.updated_at) for lead in rows]
    Lead.objects.bulk_create(rows, batch_size=BATCH)
    # auto_now_add/auto_now stamped the insert: put the generated times back.
    for lead, (created, updated) in zip(rows, times, strict=True):
        lead.created_at, lead.updated_at = created, updated
    Lead.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=BATCH)
    digest = wording_hash(SYNTHETIC_WORDING)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                lead=lead,
                purpose=ConsentRecord.Purpose.DATA_PROCESSING,
                granted=True,
                method="synthetic",
                wording=SYNTHETIC_WORDING,
                wording_hash=digest,
            )
            for lead in rows
        ],
        batch_size=BATCH,
    )
    visitors = {
        s.id: Visitor(
            lead_id=s.id,
            utm_campaign=SYNTHETIC_CAMPAIGN,
            utm_source=str(s.fields.get("source", "")),
            landing_page="/",
            verified_at=s.visitor_seen,
            first_seen=s.visitor_seen,
            last_seen=s.fields.get("last_visit_at") or s.visitor_seen,
        )
        for s in leads
        if s.visitor_seen is not None
    }
    _visitors_insert(list(visitors.values()))
    return {s.id: (visitors[s.id].pk if s.id in visitors else None) for s in leads}


@transaction.atomic
def synthetic_visitors_create(*, seen: Sequence[dt.datetime]) -> list[Any]:
    """Anonymous synthetic browsers (never identified), each first seen at its time."""
    rows = [
        Visitor(utm_campaign=SYNTHETIC_CAMPAIGN, landing_page="/", first_seen=t, last_seen=t)
        for t in seen
    ]
    _visitors_insert(rows)
    return [v.pk for v in rows]


def _visitors_insert(rows: list[Visitor]) -> None:
    times = [(v.first_seen, v.last_seen) for v in rows]
    Visitor.objects.bulk_create(rows, batch_size=BATCH)
    for v, (first, last) in zip(rows, times, strict=True):
        v.first_seen, v.last_seen = first, last
    Visitor.objects.bulk_update(rows, ["first_seen", "last_seen"], batch_size=BATCH)
