"""The lead change feed: each LeadAudit row (every lead mutation writes one) tells the
integrations what happened. The receiver only records and enqueues, in the same
transaction as the change; delivery happens in tasks after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Audit actions that are not our changes to send back to HubSpot.
NOT_LOCAL_CHANGES = frozenset({"hubspot_pulled", "privacy_erased"})


def lifecycle_events(action: str, changes: dict[str, Any]) -> list[str]:
    """PostHog lifecycle events this audit row stands for."""
    events = []
    if action == "created":
        events.append("lead captured")
    stage = changes.get("stage")
    if action == "stage_changed" and isinstance(stage, list | tuple) and len(stage) == 2:
        order = ["anonymous", "identified", "qualified", "opportunity", "customer"]
        before, after = (order.index(s) if s in order else -1 for s in stage)
        if before < order.index("qualified") <= after:
            events.append("lead qualified")
        if after == order.index("customer") and before < after:
            events.append("deal won")
    outcome = changes.get("outcome")
    if isinstance(outcome, dict) and outcome.get("to") == "won":
        events.append("deal won")
    return events


def lead_audit_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    action = instance.action or ""
    if settings.HUBSPOT_ACCESS_TOKEN and action not in NOT_LOCAL_CHANGES:
        from integrations.hubspot.sync import contact_mark_dirty

        contact_mark_dirty(lead_id=instance.lead_id)
    if settings.POSTHOG_API_KEY:
        from integrations import posthog as ph

        for event in dict.fromkeys(lifecycle_events(action, instance.changes or {})):
            ph.lifecycle_enqueue(lead_id=instance.lead_id, event=event, key=str(instance.pk))
