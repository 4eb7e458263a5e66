"""Worker side: behaviours recomputed from interactions, triggers fired once per
condition, and stage moves with their actions."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from leads import profiling
from leads.models import STAGE_ORDER, Lead, LeadAudit, LeadTrigger, RoundRobinState
from leads.services.capture import _rescore_soon
from leads.services.staff import notify_sales

SALES_GROUP = "Sales"
VISIT_GAP = dt.timedelta(minutes=30)
REENGAGEMENT_GAP = dt.timedelta(days=7)
HIGH_INTENT_SECONDS = 60


# --- Behaviours and triggers (worker) -------------------------------------------------------------


def _path_of(props: dict) -> str:
    path = props.get("path") or ""
    if not path and props.get("url"):
        path = urlsplit(str(props["url"])).path
    return str(path)


def _duration(props: dict) -> float:
    value = props.get("duration")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def _fire_once(lead: Lead, kind: str, key: str = "") -> bool:
    """Record that ``kind``/``key`` fired for ``lead``; False if it already had."""
    _, created = LeadTrigger.objects.get_or_create(lead=lead, kind=kind, key=key[:200])
    return created


@transaction.atomic
def lead_process_events(*, lead_id: Any) -> Lead | None:
    """Recompute the lead's behaviours from its interactions and run the triggers for the
    interactions not processed yet (each trigger at most once per condition)."""
    from analytics.facade import interactions

    lead = Lead.all_objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        return None
    pages = list(
        interactions()
        .filter(lead=lead, category="page_view")
        .order_by("occurred_at", "id")
        .values_list("type", "occurred_at", "properties")
    )
    view_times = [at for t, at, _ in pages if t == "page_view"]
    visits = 0
    last = None
    for at in view_times:
        if last is None or at - last > VISIT_GAP:
            visits += 1
        last = at
    scroll_depths = [
        float(d)
        for d in interactions()
        .filter(lead=lead, type="scroll")
        .values_list("properties__scroll_depth", flat=True)
        if isinstance(d, int | float)
    ]
    lead.page_views = len(view_times)
    lead.visits = visits
    lead.time_on_site_seconds = int(sum(_duration(p) for _, _, p in pages))
    lead.first_visit_at = pages[0][1] if pages else None
    lead.last_visit_at = pages[-1][1] if pages else None
    lead.avg_scroll_depth = (
        round(sum(scroll_depths) / len(scroll_depths), 2) if scroll_depths else 0.0
    )
    fields = [
        "page_views",
        "visits",
        "time_on_site_seconds",
        "first_visit_at",
        "last_visit_at",
        "avg_scroll_depth",
    ]

    pending = list(
        interactions().filter(lead=lead, processed_at__isnull=True).order_by("occurred_at", "id")
    )
    for interaction in pending:
        props = interaction.properties or {}
        if interaction.type in ("page_view", "page_exit"):
            path = _path_of(props)
            if (
                path.rstrip("/").endswith("/pricing")
                and _duration(props) > HIGH_INTENT_SECONDS
                and _fire_once(lead, "high_intent")
            ):
                lead.buying_stage = Lead.BuyingStage.DECISION
                fields.append("buying_stage")
                notify_sales(
                    lead=lead,
                    kind="high_intent",
                    message=f"High intent: {lead.email} spent over a minute on pricing",
                    data={"path": path, "duration": _duration(props)},
                )
                from scoring.facade import alert_raise

                alert_raise(
                    lead=lead,
                    reason="high_intent",
                    details={"path": path, "seconds_on_page": _duration(props)},
                )
        if interaction.type == "page_view":
            idx = bisect.bisect_left(view_times, interaction.occurred_at)
            previous = view_times[idx - 1] if idx > 0 else None
            gap = interaction.occurred_at - previous if previous is not None else None
            if gap is not None and gap >= REENGAGEMENT_GAP:
                day = interaction.occurred_at.date().isoformat()
                if _fire_once(lead, "reengagement", day):
                    notify_sales(
                        lead=lead,
                        kind="reengagement",
                        message=f"{lead.email} is back after {gap.days} days",
                        data={"previous_visit": previous.isoformat()},
                    )
        if interaction.type == "resource_download":
            resource = str(props.get("resource_id", ""))
            # Engagement points for a download come from the scoring engine's weights
            # (it owns engagement_score); the trigger records each resource once.
            if (
                resource
                and _fire_once(lead, "resource_download", resource)
                and lead.buying_stage == Lead.BuyingStage.AWARENESS
            ):
                lead.buying_stage = Lead.BuyingStage.CONSIDERATION
                fields.append("buying_stage")
    if lead.buying_stage == Lead.BuyingStage.AWARENESS and lead.visits >= 3:
        lead.buying_stage = Lead.BuyingStage.CONSIDERATION
        fields.append("buying_stage")
    lead.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    if pending:
        interactions().filter(pk__in=[i.pk for i in pending]).update(processed_at=timezone.now())
        _rescore_soon(lead.pk)
    return lead


# --- Stage moves (worker) -------------------------------------------------------------------------


def _send_welcome(lead_id: Any) -> None:
    lead = Lead.objects.filter(pk=lead_id).first()
    if lead is None or (lead.preferences or {}).get("do_not_contact"):
        return
    from mail.facade import queue_template_email

    queue_template_email(
        to=lead.email,
        template="welcome",
        context={"lead": lead},
        lead_id=lead.pk,
        category="lifecycle",
    )


def _round_robin_sales_user():
    users = list(
        get_user_model()
        .objects.filter(groups__name=SALES_GROUP, is_active=True)
        .order_by("pk")
        .distinct()
    )
    if not users:
        return None
    state, _ = RoundRobinState.objects.select_for_update().get_or_create(name="sales")
    after = [u for u in users if state.last_user_id is None or u.pk > state.last_user_id]
    chosen = after[0] if after else users[0]
    state.last_user_id = chosen.pk
    state.save(update_fields=["last_user_id"])
    return chosen


def _stage_action(lead: Lead, stage: str) -> None:
    if stage == Lead.Stage.IDENTIFIED:
        # Queued in the transaction that records the stage action: sent once, never lost.
        _send_welcome(lead.pk)
    elif stage == Lead.Stage.QUALIFIED:
        notify_sales(
            lead=lead,
            kind="qualified",
            message=f"New qualified lead: {lead.email}"
            + (f" ({lead.company})" if lead.company else ""),
        )
    elif stage == Lead.Stage.OPPORTUNITY and lead.assigned_to_id is None:
        user = _round_robin_sales_user()
        if user is not None:
            lead.assigned_to = user
            lead.save(update_fields=["assigned_to", "updated_at"])
            LeadAudit.objects.create(
                lead=lead,
                action="assigned",
                changes={"assigned_to": {"from": None, "to": user.pk}, "by": "round_robin"},
            )
            notify_sales(
                lead=lead,
                kind="assigned",
                message=f"Opportunity {lead.email} assigned to {user.get_username()}",
                recipient=user,
            )


@transaction.atomic
def lead_stage_check(*, lead_id: Any) -> Lead | None:
    """Move the lead forward to the stage its profile completeness reaches and run each
    crossed stage's action exactly once. Never moves a lead backwards."""
    lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        return None
    scores = profiling.completeness(lead)
    fields = []
    if lead.profile_completeness != scores["overall"]:
        lead.profile_completeness = scores["overall"]
        fields.append("profile_completeness")
    target = profiling.stage_for_completeness(scores["overall"])
    current_rank = Lead.stage_rank(lead.stage)
    target_rank = Lead.stage_rank(target)
    if target_rank > current_rank:
        before = lead.stage
        lead.stage = target
        fields.append("stage")
        if target_rank >= Lead.stage_rank("qualified") and lead.qualified_at is None:
            lead.qualified_at = timezone.now()
            fields.append("qualified_at")
        lead.save(update_fields=[*fields, "updated_at"])
        LeadAudit.objects.create(
            lead=lead,
            action="stage_changed",
            changes={"stage": [before, target], "completeness": scores["overall"]},
        )
        fields = []
        for stage in STAGE_ORDER[current_rank + 1 : target_rank + 1]:
            if _fire_once(lead, f"stage_{stage}"):
                _stage_action(lead, stage)
    if fields:
        lead.save(update_fields=[*fields, "updated_at"])
    return lead
