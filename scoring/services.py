"""Writes of the scoring app: rescoring (one lead, debounced, or all leads in bulk), score
history, hot-lead alerts and their delivery, training/activating the learned model, and
the custom metrics of seed 14.2.

Score columns of ``leads.Lead`` (``score``, ``grade``, ``fit_score``, ``engagement_score``,
``score_factors``, ``scored_at``) are written here only, with set-based updates (never a
model ``save()``, so the leads app's own columns are never overwritten).

Other apps call:

- ``lead_rescore_soon(lead_id=...)`` after an event that can change a score (debounced);
- ``alert_raise(lead=..., reason="high_intent", details={...})`` for a high-intent trigger;
- ``metric_record(kind=..., ...)`` / ``metric_lead_captured`` / ``metric_conversion`` /
  ``metric_ai_satisfaction`` for the seed's custom metrics.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.queue import enqueue, enqueue_with
from scoring import selectors
from scoring.engine import (
    EMPTY_ACTIVITY,
    FEATURES,
    LEAD_COLUMNS,
    Config,
    RulesModel,
    Scored,
    explain,
    feature_values,
    score_rows,
)
from scoring.models import Metric, ScoreAlert, ScoreSnapshot, ScoringModel

log = logging.getLogger(__name__)

GRADE_A = ScoreAlert.Reason.GRADE_A.value
HIGH_INTENT = ScoreAlert.Reason.HIGH_INTENT.value


# --- writing scores ---------------------------------------------------------------------------


def _write_postgres(
    results: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    """COPY the results into a temporary table, then one UPDATE ... FROM and one INSERT of
    history rows for the scores that changed."""
    from leads.models import Lead

    lead_table = connection.ops.quote_name(Lead._meta.db_table)
    snap_table = connection.ops.quote_name(ScoreSnapshot._meta.db_table)
    with connection.cursor() as cursor:
        # Scores are derived data, recomputed by the next run: a crash may lose this
        # chunk's commit, never corrupt it, so the chunk need not wait for the WAL flush.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS scoring_batch (id uuid, score smallint, "
            "grade varchar(1), fit smallint, eng integer, factors jsonb, changed boolean) "
            "ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor
        with raw.copy(
            "COPY scoring_batch (id, score, grade, fit, eng, factors, changed) FROM STDIN"
        ) as copy:
            for s in results:
                if s.needs_write:
                    copy.write_row(
                        (
                            s.lead_id,
                            s.score,
                            s.grade,
                            s.fit,
                            s.engagement,
                            s.factors_json(),
                            s.changed,
                        )
                    )
        cursor.execute(
            f"UPDATE {lead_table} AS l SET score = b.score, grade = b.grade, "  # noqa: S608
            "fit_score = b.fit, engagement_score = b.eng, score_factors = b.factors, "
            "scored_at = %s FROM scoring_batch AS b WHERE l.id = b.id",
            [now],
        )
        cursor.execute(
            f"INSERT INTO {snap_table} (lead_id, score, grade, fit_score, engagement_score, "  # noqa: S608
            "factors, model_label, reason, created_at) SELECT id, score, grade, fit, eng, "
            "factors, %s, %s, %s FROM scoring_batch WHERE changed",
            [model_label, reason, now],
        )
        cursor.execute("TRUNCATE scoring_batch")


def _write_generic(
    results: Sequence[Scored], *, now: dt.datetime, model_label: str, reason: str
) -> None:
    from leads.models import Lead

    objs = []
    for s in results:
        if not s.needs_write:
            continue
        obj = Lead(pk=s.lead_id)
        obj.score, obj.grade, obj.fit_score = s.score, s.grade, s.fit
        obj.engagement_score, obj.score_factors, obj.scored_at = s.engagement, s.factors, now
        objs.append(obj)
    Lead.all_objects.bulk_update(
        objs,
        ["score", "grade", "fit_score", "engagement_score", "score_factors", "scored_at"],
        batch_size=500,
    )
    ScoreSnapshot.objects.bulk_create(
        [
            _snapshot(s, now=now, model_label=model_label, reason=reason)
            for s in results
            if s.changed
        ],
        batch_size=1000,
    )


def _snapshot(
    s: Scored, *, now: dt.datetime, model_label: str, reason: str, factors: dict | None = None
) -> ScoreSnapshot:
    return ScoreSnapshot(
        lead_id=s.lead_id,
        score=s.score,
        grade=s.grade,
        fit_score=s.fit,
        engagement_score=min(s.engagement, 100),
        factors=factors if factors is not None else s.factors,
        model_label=model_label,
        reason=reason[:40],
        created_at=now,
    )


def _newly_a(results: Sequence[Scored]) -> list[Scored]:
    return [s for s in results if s.grade == "A" and s.previous_grade != "A"]


# --- one lead ---------------------------------------------------------------------------------


@dataclass
class ScoreOutcome:
    """The result of rescoring one lead (what the API returns)."""

    lead_id: Any
    score: int
    grade: str
    fit: int
    engagement: int
    factors: dict
    model: str
    changed: bool
    previous_score: int | None
    previous_grade: str
    actions: dict = field(default_factory=dict)

    def explained(self) -> list[dict]:
        weights = Config.from_settings().weights if self.model == "rules" else None
        return explain(self.factors, weights)


@transaction.atomic
def lead_rescore(
    *, lead_id: Any, reason: str = "manual", with_actions: bool = False, now=None
) -> ScoreOutcome:
    """Rescore one lead now (row-locked, idempotent): write its score columns, add a history
    row if the score or grade changed, raise the grade-A alert the first time it gets A and
    push the change to the live dashboard after commit."""
    from leads.models import Lead

    now = now or timezone.now()
    row = (
        Lead.objects.select_for_update()
        .filter(pk=lead_id, erased_at__isnull=True)
        .values_list(*LEAD_COLUMNS)
        .first()
    )
    if row is None:
        raise Lead.DoesNotExist(f"No live lead {lead_id}")
    config = Config.from_settings()
    model = selectors.active_model(config)
    (s,) = score_rows([row], selectors.activity_for([row[0]]), config=config, model=model, now=now)
    factors = s.factors
    Lead.all_objects.filter(pk=s.lead_id).update(
        score=s.score,
        grade=s.grade,
        fit_score=s.fit,
        engagement_score=s.engagement,
        score_factors=factors,
        scored_at=now,
    )
    if s.changed:
        _snapshot(s, now=now, model_label=model.label, reason=reason, factors=factors).save()
    outcome = ScoreOutcome(
        lead_id=s.lead_id,
        score=s.score,
        grade=s.grade,
        fit=s.fit,
        engagement=s.engagement,
        factors=factors,
        model=model.label,
        changed=s.changed,
        previous_score=None if s.first_time else s.previous_score,
        previous_grade=s.previous_grade,
    )
    lead = None
    if with_actions or (s.grade == "A" and s.previous_grade != "A"):
        lead = Lead.all_objects.get(pk=s.lead_id)
    if s.grade == "A" and s.previous_grade != "A":
        alert_raise(
            lead=lead,
            reason=GRADE_A,
            details={"score": s.score, "previous_grade": s.previous_grade},
        )
    if with_actions:
        from scoring.actions import next_best_actions

        outcome.actions = next_best_actions(
            lead=lead, score=s.score, grade=s.grade, factors=factors
        )
    if s.first_time or s.changed:
        _push_scored(s, model_label=model.label)
    return outcome


def _push_scored(s: Scored, *, model_label: str) -> None:
    from analytics.dashboard import dashboard_push

    dashboard_push(
        "lead.new" if s.first_time else "lead.scored",
        {
            "lead_id": str(s.lead_id),
            "score": s.score,
            "grade": s.grade,
            "fit": s.fit,
            "engagement": s.engagement,
            "previous_grade": s.previous_grade,
            "model": model_label,
        },
    )


def lead_rescore_soon(*, lead_id: Any, reason: str = "event", first: bool = False) -> bool:
    """Schedule a rescoring of this lead after commit, debounced: events within
    ``SCORING_DEBOUNCE_SECONDS`` of the first share one run. Returns True if scheduled.

    ``first`` (a lead just created) scores it at once, so sales see the new lead live."""
    from scoring import tasks

    delay = 0 if first else settings.SCORING_DEBOUNCE_SECONDS
    if not cache.add(debounce_key(lead_id), reason, timeout=delay + 120):
        return False
    enqueue_with(tasks.rescore_lead, args=(str(lead_id),), countdown=delay)
    return True


def debounce_key(lead_id: Any) -> str:
    return f"scoring:pending:{lead_id}"


def lead_rescore_debounced(*, lead_id: Any) -> ScoreOutcome | None:
    """What the debounced task runs: clear the pending mark first (events arriving during
    the run schedule another), then rescore; a lead erased meanwhile is skipped."""
    from leads.models import Lead

    cache.delete(debounce_key(lead_id))
    try:
        return lead_rescore(lead_id=lead_id, reason="event")
    except Lead.DoesNotExist:
        return None


# --- all leads --------------------------------------------------------------------------------


@dataclass
class BulkStats:
    leads: int = 0
    changed: int = 0
    written: int = 0
    alerts: int = 0
    seconds: float = 0.0
    model: str = "rules"

    @property
    def per_second(self) -> float:
        return self.leads / self.seconds if self.seconds else 0.0


def leads_rescore_bulk(
    *,
    reason: str = "nightly",
    chunk_size: int | None = None,
    lead_ids: Sequence[Any] | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> BulkStats:
    """Rescore all live leads (or ``lead_ids``) chunk by chunk: one read of the lead rows,
    one grouped read of their interactions, one set-based write of the scores and one of the
    history per chunk (each chunk its own transaction). Leads reaching grade A get their
    alert (delivered by Celery after commit)."""
    now = now or timezone.now()
    chunk_size = chunk_size or settings.SCORING_BULK_CHUNK
    config = Config.from_settings()
    model = selectors.active_model(config)
    write = _write_postgres if connection.vendor == "postgresql" else _write_generic
    stats = BulkStats(model=model.label)
    started = time.perf_counter()
    # Chunks allocate hundreds of thousands of short-lived objects; full collections
    # scanning the whole process heap would cost more than the scoring itself.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _bulk_chunks(
            stats,
            config=config,
            model=model,
            write=write,
            now=now,
            reason=reason,
            chunk_size=chunk_size,
            lead_ids=lead_ids,
            progress=progress,
        )
    finally:
        if gc_was_enabled:
            gc.enable()
    stats.seconds = time.perf_counter() - started
    if stats.leads:
        from analytics.dashboard import dashboard_push

        dashboard_push("scores.refreshed", {"leads": stats.leads, "changed": stats.changed})
    return stats


def _bulk_chunks(
    stats: BulkStats, *, config, model, write, now, reason, chunk_size, lead_ids, progress
) -> None:
    for rows in selectors.lead_row_chunks(chunk_size=chunk_size, lead_ids=lead_ids):
        with transaction.atomic():
            if lead_ids is None:  # chunks are consecutive primary keys: a range scan
                activities = selectors.activity_for_range(rows[0][0], rows[-1][0])
            else:
                activities = selectors.activity_for([r[0] for r in rows])
            results = score_rows(rows, activities, config=config, model=model, now=now)
            write(results, now=now, model_label=model.label, reason=reason)
            hot = _newly_a(results)
            if hot:
                stats.alerts += _alerts_bulk(hot)
        stats.leads += len(rows)
        stats.changed += sum(1 for s in results if s.changed)
        stats.written += sum(1 for s in results if s.needs_write)
        if progress is not None:
            progress(len(rows))


def _alerts_bulk(hot: Sequence[Scored]) -> int:
    """Grade-A alerts for many leads at once; existing (lead, reason) rows are left alone."""
    from scoring import tasks

    ids = [s.lead_id for s in hot]
    existing = set(
        ScoreAlert.objects.filter(lead_id__in=ids, reason=GRADE_A).values_list("lead_id", flat=True)
    )
    fresh = [s for s in hot if s.lead_id not in existing]
    if not fresh:
        return 0
    ScoreAlert.objects.bulk_create(
        [
            ScoreAlert(
                lead_id=s.lead_id,
                reason=GRADE_A,
                score=s.score,
                grade=s.grade,
                details={"score": s.score, "previous_grade": s.previous_grade},
            )
            for s in fresh
        ],
        ignore_conflicts=True,
    )
    alert_ids = list(
        ScoreAlert.objects.filter(
            lead_id__in=[s.lead_id for s in fresh], reason=GRADE_A, deliveries={}
        ).values_list("pk", flat=True)
    )
    for i in range(0, len(alert_ids), 200):
        enqueue(tasks.deliver_alerts, alert_ids[i : i + 200])
    return len(alert_ids)


SWEEP_KEY = "scoring:sweep:since"


def leads_rescore_recent(*, now: dt.datetime | None = None, overlap_seconds: int = 5) -> BulkStats:
    """The safety net behind event-driven rescoring (beat, every minute): rescore the leads
    that changed or had interactions since the last sweep, and raise the high-intent alerts
    of the leads app's ``high_intent`` triggers fired since then. Idempotent."""
    from analytics.models import Interaction
    from leads.models import Lead, LeadTrigger

    now = now or timezone.now()
    since = cache.get(SWEEP_KEY) or (now - dt.timedelta(minutes=10))
    since = since - dt.timedelta(seconds=overlap_seconds)
    ids = set(Lead.objects.filter(updated_at__gte=since).values_list("pk", flat=True)[:50000])
    ids |= set(
        Interaction.objects.filter(created_at__gte=since, lead_id__isnull=False)
        .values_list("lead_id", flat=True)
        .distinct()[:50000]
    )
    stats = (
        leads_rescore_bulk(reason="event", lead_ids=sorted(ids), now=now) if ids else BulkStats()
    )
    for trigger in LeadTrigger.objects.filter(
        kind="high_intent", created_at__gte=since
    ).select_related("lead"):
        with transaction.atomic():
            alert_raise(
                lead=trigger.lead,
                reason=HIGH_INTENT,
                details={
                    "trigger": trigger.kind,
                    "key": trigger.key,
                    "at": trigger.created_at.isoformat(),
                },
            )
    metrics_sweep(since=since)
    cache.set(SWEEP_KEY, now, timeout=None)
    return stats


def metrics_sweep(*, since: dt.datetime) -> int:
    """Record the seed's custom metrics from what the other apps stored since ``since``:
    lead captured (the leads app's ``created`` audit rows), conversion (stage moves to
    qualified/opportunity/customer and outcome won) and AI satisfaction (rated chat
    conversations). Each once per lead and stage / conversation. Returns rows recorded."""
    from leads.models import LeadAudit

    rows: list[Metric] = []
    audits = LeadAudit.objects.filter(
        created_at__gte=since, action__in=("created", "stage_changed", "updated")
    ).select_related("lead")
    captured = set(
        Metric.objects.filter(
            kind=Metric.Kind.LEAD_CAPTURED, lead_id__in=audits.values("lead_id")
        ).values_list("lead_id", flat=True)
    )
    converted = set(
        Metric.objects.filter(
            kind=Metric.Kind.CONVERSION, lead_id__in=audits.values("lead_id")
        ).values_list("lead_id", "data__funnel_stage")
    )
    for audit in audits:
        lead, changes = audit.lead, audit.changes or {}
        if audit.action == "created" and lead.pk not in captured:
            captured.add(lead.pk)
            rows.append(
                Metric(
                    kind=Metric.Kind.LEAD_CAPTURED,
                    lead=lead,
                    occurred_at=audit.created_at,
                    data={
                        "source": str(changes.get("source", lead.source))[:100],
                        "industry": lead.industry,
                        "company_size": lead.company_size,
                    },
                )
            )
            continue
        stage = ""
        if audit.action == "stage_changed" and isinstance(changes.get("stage"), list):
            stage = str(changes["stage"][-1])
            if stage not in ("qualified", "opportunity", "customer"):
                stage = ""
        elif audit.action == "updated" and (changes.get("outcome") or {}).get("to") == "won":
            stage = "won"
        if stage and (lead.pk, stage) not in converted:
            converted.add((lead.pk, stage))
            rows.append(
                Metric(
                    kind=Metric.Kind.CONVERSION,
                    lead=lead,
                    value=0.0,
                    occurred_at=audit.created_at,
                    data={"type": f"stage:{stage}", "funnel_stage": stage},
                )
            )
    rows += _satisfaction_metrics(since)
    Metric.objects.bulk_create(rows, batch_size=1000)
    if rows:
        from analytics.dashboard import dashboard_push

        dashboard_push("metric", {"kind": "sweep", "recorded": len(rows)})
    return len(rows)


def _satisfaction_metrics(since: dt.datetime) -> list[Metric]:
    from analytics.dashboard import chat_tables_ready

    if not chat_tables_ready():
        return []
    from chat.models import Conversation

    rated = list(
        Conversation.objects.filter(updated_at__gte=since, satisfaction__isnull=False).values_list(
            "pk", "lead_id", "satisfaction", "updated_at"
        )
    )
    if not rated:
        return []
    done = set(
        Metric.objects.filter(
            kind=Metric.Kind.AI_SATISFACTION,
            data__conversation_id__in=[str(r[0]) for r in rated],
        ).values_list("data__conversation_id", flat=True)
    )
    return [
        Metric(
            kind=Metric.Kind.AI_SATISFACTION,
            lead_id=lead_id,
            value=float(score),
            occurred_at=at,
            data={"conversation_id": str(pk), "source": "chat"},
        )
        for pk, lead_id, score, at in rated
        if str(pk) not in done
    ]


# --- alerts -----------------------------------------------------------------------------------


def alert_raise(*, lead: Any, reason: str, details: dict | None = None) -> ScoreAlert | None:
    """Raise a hot-lead alert once per (lead, reason): returns the new alert, or ``None`` if
    this lead already had one for this reason. Delivery (dashboard groups ``sales`` and
    ``admin``, email to the assigned rep, Slack) runs in Celery after commit."""
    from scoring import tasks

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
    from analytics.dashboard import chat_tables_ready

    if not chat_tables_ready():
        return ""
    from chat.models import Conversation

    conv = (
        Conversation.objects.filter(lead_id=lead.pk)
        .annotate(n_messages=Count("messages"))
        .order_by("-started_at")
        .first()
    )
    if conv is None:
        return ""
    parts = [f"{conv.n_messages} messages ({conv.get_status_display().lower()})"]
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
    from analytics.models import Interaction

    seen: list[str] = []
    for props in (
        Interaction.objects.filter(lead_id=lead.pk, type="page_view")
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
    top = [{"label": f["label"], "points": f["points"]} for f in explain(factors) if f["points"]][
        :6
    ]
    return {
        "alert_id": alert.pk,
        "reason": alert.reason,
        "reason_label": dict(ScoreAlert.Reason.choices).get(alert.reason, alert.reason),
        "details": alert.details,
        "lead_id": str(lead.pk),
        "name": lead.name,
        "company": lead.company,
        "score": lead.score,
        "grade": lead.grade,
        "fit": lead.fit_score,
        "engagement": lead.engagement_score,
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
        f"engagement {p['engagement']}",
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
    from analytics.dashboard import dashboard_send

    alert = (
        ScoreAlert.objects.select_related("lead", "lead__assigned_to").filter(pk=alert_id).first()
    )
    if alert is None:
        return {}
    done = dict(alert.deliveries)
    payload = alert_payload(alert)
    if "dashboard" not in done:
        dashboard_send("lead.hot", payload)
        _mark(alert.pk, "dashboard")
    if "email" not in done:
        rep = alert.lead.assigned_to
        to = (rep.email if rep is not None and rep.is_active else "") or (
            settings.SCORING_ALERT_FALLBACK_EMAIL
        )
        if to:
            from nurture.services import email_send

            # A tracked OutboundEmail row like every other email; linked to the lead so
            # the lead's export and erasure cover what it says about them.
            email_send(
                to=to,
                template="sales_alert",
                context={"body": _email_body(payload)},
                lead=alert.lead,
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


# --- learned model ----------------------------------------------------------------------------


def training_matrix() -> tuple[np.ndarray, np.ndarray, list]:
    """Features (as of each lead's last activity) and outcomes of labelled leads, oldest
    first, with their creation times."""
    config = Config.from_settings()
    labelled = list(selectors.labelled_leads().values_list(*LEAD_COLUMNS, "outcome", "stage"))
    activities = selectors.activity_for([r[0] for r in labelled])
    X, y, times = [], [], []  # noqa: N806
    n = len(LEAD_COLUMNS)
    for r in labelled:
        row = r[:n]
        outcome, stage = r[n], r[n + 1]
        activity = activities.get(row[0], EMPTY_ACTIVITY)
        X.append(feature_values(row, activity, config, decay=1.0))
        y.append(1 if outcome == "won" or (stage == "customer" and outcome != "lost") else 0)
        times.append(row[LEAD_COLUMNS.index("created_at")])
    return np.asarray(X, dtype=float), np.asarray(y, dtype=int), times


def scoring_model_train(*, activate: bool = True):
    """Train a learned model on leads with known outcomes (time-ordered split), compare it
    with the rules on the held-out period and store it as a new version; activate it only
    when it beats the rules with a real signal. Refuses without enough outcomes."""
    from scoring.learned import TrainReport, dump, evaluate

    X, y, times = training_matrix()  # noqa: N806
    n, n_pos = len(y), int(y.sum()) if len(y) else 0
    min_n, min_class = settings.SCORING_MIN_OUTCOMES, settings.SCORING_MIN_PER_CLASS
    if n < min_n or n_pos < min_class or n - n_pos < min_class:
        return TrainReport(
            status="refused",
            message=(
                f"Not enough outcomes to train: {n} leads with a known outcome "
                f"({n_pos} won, {n - n_pos} lost); need at least {min_n}, with {min_class} "
                "of each. Keeping the current scoring."
            ),
            n_labelled=n,
            n_positive=n_pos,
        )
    split = int(round(n * (1 - settings.SCORING_HOLDOUT_FRACTION)))
    y_train, y_test = y[:split], y[split:]
    per_class = min_class // 3 or 1
    if (
        min(y_train.sum(), len(y_train) - y_train.sum()) < per_class
        or min(y_test.sum(), len(y_test) - y_test.sum()) < per_class
    ):
        return TrainReport(
            status="refused",
            message=(
                "Not enough of each outcome on both sides of the time split "
                f"(train: {int(y_train.sum())} won / {len(y_train) - int(y_train.sum())} lost, "
                f"held out: {int(y_test.sum())} won / {len(y_test) - int(y_test.sum())} lost). "
                "Keeping the current scoring."
            ),
            n_labelled=n,
            n_positive=n_pos,
        )
    rules = RulesModel(Config.from_settings())
    pipe, report = evaluate(
        X[:split], y_train, X[split:], y_test, rules, min_gain=settings.SCORING_MIN_AUC_GAIN
    )
    report.n_labelled, report.n_positive = n, n_pos
    report.split_at = times[split].isoformat()
    with transaction.atomic():
        last = ScoringModel.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        go = activate and report.status == "activated"
        if not go and report.status == "activated":
            report.status = "not_activated"
            report.message += " (not activated: --no-activate)"
        if go:
            ScoringModel.objects.filter(is_active=True).update(is_active=False)
        ScoringModel.objects.create(
            version=version,
            algorithm="logistic_regression",
            feature_names=list(FEATURES),
            artifact=dump(pipe),
            metrics=report.as_dict(),
            is_active=go,
            activated_at=timezone.now() if go else None,
        )
        report.version = version
    return report


@transaction.atomic
def scoring_model_activate(*, version: int | None) -> ScoringModel | None:
    """Activate a stored model version, or go back to the rules with ``None``."""
    ScoringModel.objects.filter(is_active=True).update(is_active=False)
    if version is None:
        return None
    model = ScoringModel.objects.select_for_update().get(version=version)
    model.is_active = True
    model.activated_at = timezone.now()
    model.save(update_fields=["is_active", "activated_at"])
    return model


# --- metrics (seed 14.2) ----------------------------------------------------------------------


def metric_record(
    *,
    kind: str,
    value: float | None = None,
    data: dict | None = None,
    lead: Any = None,
    occurred_at: dt.datetime | None = None,
) -> Metric:
    """Record a custom metric (no personal data in ``data``) and tell the dashboard."""
    if kind not in Metric.Kind.values:
        raise ValueError(f"Unknown metric kind {kind!r}")
    metric = Metric.objects.create(
        kind=kind,
        value=value,
        data=data or {},
        lead_id=getattr(lead, "pk", lead),
        occurred_at=occurred_at or timezone.now(),
    )
    from analytics.dashboard import dashboard_push

    dashboard_push("metric", {"kind": kind, "value": value})
    return metric


def metric_lead_captured(*, lead: Any, source: str) -> Metric:
    return metric_record(
        kind=Metric.Kind.LEAD_CAPTURED,
        lead=lead,
        data={
            "source": (source or "")[:100],
            "stage": getattr(lead, "stage", ""),
            "industry": getattr(lead, "industry", ""),
            "company_size": getattr(lead, "company_size", ""),
        },
    )


def metric_conversion(
    *, lead: Any, conversion_type: str, value: float = 0.0, funnel_stage: str = ""
) -> Metric:
    return metric_record(
        kind=Metric.Kind.CONVERSION,
        lead=lead,
        value=value,
        data={"type": conversion_type[:50], "funnel_stage": funnel_stage[:30]},
    )


def metric_ai_satisfaction(
    *, conversation_id: Any, satisfaction: int, model: str = "", lead: Any = None
) -> Metric:
    """A visitor's 1-5 rating of an AI conversation."""
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValueError("satisfaction must be an integer from 1 to 5")
    return metric_record(
        kind=Metric.Kind.AI_SATISFACTION,
        lead=lead,
        value=float(satisfaction),
        data={"conversation_id": str(conversation_id)[:64], "model": model[:60]},
    )
