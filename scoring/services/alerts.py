"""Hot-lead alerts: raised once per lead and reason, delivered to Slack and by email with
the lead's summary, pages viewed and a link to the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.queue import enqueue
from scoring.engine import (
    explain,
    factor_text,
)
from scoring.models import ScoreAlert

# --- alerts -----------------------------------------------------------------------------------


def alert_raise(*, lead: Any, reason: str, details: dict | None = None) -> ScoreAlert | None:
    """Raise a hot-lead alert once per (lead, reason): returns the new alert, or ``None`` if
    this lead already had one for this reason. Delivery (dashboard groups ``sales`` and
    ``admin``, email to the assigned rep, Slack) runs in Celery after commit. A synthetic
    demo lead (``load_demo --history``) raises none: nobody is to call it."""
    from leads.facade import is_synthetic_email
    from scoring import tasks

    if is_synthetic_email(getattr(lead, "email", "")):
        return None
    try:
        with transaction.atomic():
            alert = ScoreAlert.objects.create(
                lead_id=lead.pk,
                reason=str(reason)[:80],
                details=details or {},
                score=getattr(lead, "score", 0) or 0,
                grade=getattr(lead, "grade", "") or "",
            )
    except IntegrityError:
        return None
    enqueue(tasks.deliver_alert, alert.pk)
    return alert


def lead_admin_url(lead_id: Any) -> str:
    return settings.SITE_URL + reverse("admin:leads_lead_change", args=[lead_id])


def _chat_summary(lead: Any) -> str:
    """The summary stored on the lead by the chat assistant, or a digest of its latest
    conversation."""
    stored = str((lead.ai_data or {}).get("chat_summary", "") or "")
    return (stored or _conversation_digest(lead))[:1000]


def _conversation_digest(lead: Any) -> str:
    """A short digest of the lead's latest conversation from the chat app's analysis
    (intent, sentiment, urgency, progress, next action), when the chat app is installed."""
    from analytics.facade import chat_tables_ready

    if not chat_tables_ready():
        return ""
    from chat.facade import latest_conversation_digest

    conv = latest_conversation_digest(lead_id=lead.pk)
    if conv is None:
        return ""
    parts = [f"{conv.n_messages} messages ({conv.status_label.lower()})"]
    if conv.primary_intent:
        parts.append(f"intent: {conv.primary_intent}")
    if conv.sentiment:
        parts.append(f"sentiment: {conv.sentiment}")
    if conv.urgency:
        parts.append(f"urgency: {conv.urgency}")
    parts.append(f"qualification {round(conv.qualification_progress * 100)}%")
    if conv.next_action:
        parts.append(f"next: {conv.next_action}")
    return "; ".join(parts)


def _pages_viewed(lead: Any, limit: int = 8) -> list[str]:
    from analytics.facade import interactions

    seen: list[str] = []
    for props in (
        interactions()
        .filter(lead_id=lead.pk, type="page_view")
        .order_by("-occurred_at")
        .values_list("properties", flat=True)[:200]
    ):
        path = str((props or {}).get("path") or (props or {}).get("url") or "")
        if path and path not in seen:
            seen.append(path)
        if len(seen) >= limit:
            break
    return seen


def alert_payload(alert: ScoreAlert) -> dict[str, Any]:
    """Everything a salesperson needs in the alert: breakdown, chat summary, pages, link."""
    lead = alert.lead
    factors = lead.score_factors or {}
    # "Budget: +12.0" under the rules, "Industry fintech: +8.5" under a learned model.
    top = [
        {"label": factor_text(f).rsplit(":", 1)[0], "points": f["points"]}
        for f in explain(factors)
        if f["points"]
    ][:6]
    return {
        "alert_id": alert.pk,
        "reason": alert.reason,
        # A raiser outside scoring (an automated intervention) names its alert in details.
        "reason_label": (alert.details or {}).get("label")
        or dict(ScoreAlert.Reason.choices).get(alert.reason, alert.reason),
        "details": alert.details,
        "lead_id": str(lead.pk),
        "name": lead.name,
        "company": lead.company,
        "score": lead.score,
        "grade": lead.grade,
        "fit": lead.fit_score,
        "engagement": lead.engagement_score,
        "probability": factors.get("probability"),
        "breakdown": top,
        "chat_summary": _chat_summary(lead),
        "pages_viewed": _pages_viewed(lead),
        "url": lead_admin_url(lead.pk),
        "created_at": alert.created_at.isoformat(),
    }


def _email_body(p: dict[str, Any]) -> str:
    lines = [
        f"{p['reason_label']}: {p['name'] or 'a lead'}"
        + (f" ({p['company']})" if p["company"] else ""),
        f"Score {p['score']} (grade {p['grade'] or '-'}), fit {p['fit']}, "
        f"engagement {p['engagement']}"
        + (
            ""
            if p.get("probability") is None
            else f", conversion probability {100 * p['probability']:.0f}%"
        ),
        "",
        "Why this score:",
        *[f"  {b['label']}: {b['points']:+.1f}" for b in p["breakdown"]],
        "",
        "Chat summary: " + (p["chat_summary"] or "no conversation yet"),
        "",
        "Pages viewed:",
        *[f"  {x}" for x in p["pages_viewed"]],
        "",
        f"Open the lead: {p['url']}",
    ]
    return "\n".join(lines) + "\n"


def _mark(alert_id: int, channel: str) -> None:
    with transaction.atomic():
        alert = ScoreAlert.objects.select_for_update().get(pk=alert_id)
        alert.deliveries = {**alert.deliveries, channel: timezone.now().isoformat()}
        alert.save(update_fields=["deliveries"])


def alert_deliver(*, alert_id: int) -> dict[str, str]:
    """Deliver one alert on each channel not done yet (retries skip the done ones):
    the dashboard groups, the assigned rep's email, Slack's hot-lead channel when Slack is
    configured. Raises ``SlackUnavailable`` when Slack fails so the task retries."""
    from analytics.facade import dashboard_send

    alert = (
        ScoreAlert.objects.select_related("lead", "lead__assigned_to").filter(pk=alert_id).first()
    )
    if alert is None:
        return {}
    done = dict(alert.deliveries)
    payload = alert_payload(alert)
    if "dashboard" not in done:
        dashboard_send(event="lead.hot", data=payload)
        _mark(alert.pk, "dashboard")
    if "email" not in done:
        rep = alert.lead.assigned_to
        to = (rep.email if rep is not None and rep.is_active else "") or (
            settings.SCORING_ALERT_FALLBACK_EMAIL
        )
        if to:
            from mail.facade import queue_template_email

            # A tracked OutboundEmail row like every other email, sent by the mail worker;
            # linked to the lead so its export and erasure cover what it says about them.
            queue_template_email(
                to=to,
                template="sales_alert",
                context={"body": _email_body(payload)},
                lead_id=alert.lead_id,
                category="sales_alert",
                subject=f"[Hot lead] {payload['reason_label']}: "
                f"{payload['name'] or payload['company'] or 'lead'} ({payload['score']})",
                track=False,
            )
        _mark(alert.pk, "email" if to else "email_skipped")
    if "slack" not in done:
        from integrations.facade import slack_alert  # Block Kit, retries, channel routing

        if slack_alert(kind="hot_lead", payload=payload):
            _mark(alert.pk, "slack")
    return ScoreAlert.objects.values_list("deliveries", flat=True).get(pk=alert.pk)
