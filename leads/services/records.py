"""Writes other apps ask of the leads app, each through ``leads.facade``: fields a CRM
sync pulled (audited), leads a CRM sync created (audited), one key of ``ai_data``
(predictions), a tool's data in ``profile_extra`` (tools). Only the leads app writes its
tables (issue 12); these are the doors.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from leads.models import Lead, LeadAudit
from leads.services.inputs import normalize_email


@dataclass(frozen=True)
class LeadNew:
    """A lead another system knows and we do not (a CRM contact): its id is chosen by the
    caller, so that the caller's own rows can point at it in the same transaction."""

    id: uuid.UUID
    email: str
    stage: str
    source: str
    fields: dict[str, Any] = field(default_factory=dict)


def lead_fields_pulled(
    *, lead: Lead, changes: dict[str, Any], source: str, action: str, actor
) -> Lead:
    """Save fields another system changed (``{field: new value}``) on a lead the caller
    holds locked, and audit them as ``action`` with ``{"source": source, field: {"from",
    "to"}}``. A changed email also changes the normalised key."""
    if not changes:
        return lead
    audit: dict[str, Any] = {}
    for name, value in changes.items():
        audit[name] = {"from": getattr(lead, name), "to": value}
        setattr(lead, name, value)
    fields = [*changes, "updated_at"]
    if "email" in changes:
        lead.email_normalized = normalize_email(changes["email"])
        fields.append("email_normalized")
    lead.save(update_fields=fields)
    # bulk_create on purpose: no post_save, so the integrations' change feed does not
    # echo another system's change back to it (as the sync wrote these rows before).
    LeadAudit.objects.bulk_create(
        [
            LeadAudit(
                lead=lead, actor=_user(actor), action=action, changes={"source": source, **audit}
            )
        ]
    )
    return lead


@transaction.atomic
def leads_create_from(*, leads: Sequence[LeadNew], actor) -> list[Any]:
    """Create leads another system knows (one write), each with a ``created`` audit row
    naming its source (written in bulk: no post_save, as before). Returns their ids."""
    rows = []
    for new in leads:
        lead = Lead(
            id=new.id,
            email=new.email,
            email_normalized=normalize_email(new.email),
            source=new.source,
            stage=new.stage,
        )
        for name, value in new.fields.items():
            setattr(lead, name, value)
        rows.append(lead)
    Lead.objects.bulk_create(rows, batch_size=500)
    LeadAudit.objects.bulk_create(
        [
            LeadAudit(
                lead=lead, actor=_user(actor), action="created", changes={"source": lead.source}
            )
            for lead in rows
        ],
        batch_size=1000,
    )
    return [lead.pk for lead in rows]


def lead_ai_data_set(*, lead_id: Any, key: str, value: Any) -> bool:
    """Set one key of a live lead's ``ai_data`` (the other keys kept), under the row lock.
    Returns False when there is no such lead."""
    with transaction.atomic():
        current = (
            Lead.objects.select_for_update()
            .filter(pk=lead_id)
            .values_list("ai_data", flat=True)
            .first()
        )
        if current is None and not Lead.objects.filter(pk=lead_id).exists():
            return False
        Lead.objects.filter(pk=lead_id).update(ai_data={**(current or {}), key: value})
    return True


@transaction.atomic
def lead_profile_extra_set(*, lead_id: Any, key: str, data: Any) -> Lead:
    """Keep another app's data on the lead under ``profile_extra[key]`` (a tool's inputs
    and results), under the row lock. Returns the lead as saved."""
    lead = Lead.objects.select_for_update().get(pk=lead_id)
    lead.profile_extra = {**(lead.profile_extra or {}), key: data}
    lead.save(update_fields=["profile_extra", "updated_at"])
    return lead


def _user(actor: Any) -> Any:
    """The acting user for an audit row: a saved user, else None (a system, a task)."""
    return actor if getattr(actor, "pk", None) else None
