"""Staff edits (audited, with the acting user) and the sales feed."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.realtime import push_on_commit
from leads.models import Lead, LeadAudit, SalesNotification
from leads.services.capture import _schedule_lead_work
from leads.services.inputs import STAFF_FIELDS, CaptureError, _clean_profile

logger = logging.getLogger(__name__)

SALES_FEED_GROUP = "sales-feed"


# --- Staff edits --------------------------------------------------------------------------------


@transaction.atomic
def lead_update(*, lead: Lead, data: dict, actor) -> Lead:
    """Staff PATCH: whitelisted fields only, audited with the acting user. Unlike capture,
    staff may clear a field."""
    clean = _clean_profile(data, allowed=STAFF_FIELDS)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    changes: dict[str, Any] = {}
    for key, value in clean.items():
        current = getattr(lead, key)
        if value != current:
            changes[key] = {"from": current, "to": value}
            setattr(lead, key, value)
    if changes:
        lead.save(update_fields=[*changes, "updated_at"])
        LeadAudit.objects.create(lead=lead, actor=actor, action="updated", changes=changes)
        _schedule_lead_work(lead.pk)
    return lead


@transaction.atomic
def lead_soft_delete(*, lead: Lead, actor) -> Lead:
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    if lead.deleted_at is None:
        lead.deleted_at = timezone.now()
        lead.save(update_fields=["deleted_at", "updated_at"])
        LeadAudit.objects.create(lead=lead, actor=actor, action="deleted", changes={})
    return lead


@transaction.atomic
def lead_assign(*, lead: Lead, user, actor) -> Lead:
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    before = lead.assigned_to_id
    if before != (user.pk if user else None):
        lead.assigned_to = user
        lead.save(update_fields=["assigned_to", "updated_at"])
        LeadAudit.objects.create(
            lead=lead,
            actor=actor,
            action="assigned",
            changes={"assigned_to": {"from": before, "to": user.pk if user else None}},
        )
        if user is not None:
            notify_sales(
                lead=lead,
                kind="assigned",
                message=f"Lead {lead.email} assigned to {user.get_username()}",
                recipient=user,
            )
    return lead


@transaction.atomic
def lead_change_stage(*, lead: Lead, stage: str, actor) -> Lead:
    """A salesperson's explicit stage change (may move backwards; audited)."""
    if stage not in Lead.Stage.values:
        raise CaptureError({"stage": [f"Unknown stage {stage!r}."]})
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    if lead.stage != stage:
        before = lead.stage
        lead.stage = stage
        fields = ["stage", "updated_at"]
        if stage == Lead.Stage.QUALIFIED and lead.qualified_at is None:
            lead.qualified_at = timezone.now()
            fields.append("qualified_at")
        lead.save(update_fields=fields)
        LeadAudit.objects.create(
            lead=lead, actor=actor, action="stage_changed", changes={"stage": [before, stage]}
        )
    return lead


def lead_audit(*, lead_id: Any, action: str, changes: dict, actor=None) -> LeadAudit:
    """Record something done to a lead by another part of the product (an automated
    intervention, a model's decision): who (``actor``, None for the worker), what
    (``action``) and why (``changes``). Written in the caller's transaction."""
    return LeadAudit.objects.create(
        lead_id=lead_id, actor=actor, action=str(action)[:50], changes=changes or {}
    )


# --- Sales feed ---------------------------------------------------------------------------------


def notify_sales(
    *, lead: Lead, kind: str, message: str, data: dict | None = None, recipient=None
) -> SalesNotification:
    """Write a feed entry and push it to the live dashboard group after commit."""
    note = SalesNotification.objects.create(
        lead=lead, kind=kind, message=message[:500], data=data or {}, recipient=recipient
    )
    payload = {
        "type": "feed.entry",
        "id": note.pk,
        "kind": kind,
        "message": note.message,
        "lead_id": str(lead.pk),
        "created_at": note.created_at.isoformat(),
    }
    push_on_commit(SALES_FEED_GROUP, payload)
    return note
