"""Automated interventions: the rules sales managers set on the predictions, run by the
worker after the nightly training (``predictions.tasks.run_interventions``) and on demand
from the admin.

For each active rule, the candidates are the leads that the latest run of the rule's model
scored at or above the threshold, highest first; a model that is not active gives none.
Per rule, under a lock on the rule's row (two runs of one rule never overlap):

- **cooldown**: a lead that this rule hit within ``cooldown_days`` is skipped (idempotent:
  running twice does nothing the second time);
- **cap**: at most ``max_per_day`` firings in any 24 hours (the per-rule cap, counted from
  the firings themselves, so it holds across workers and restarts);
- **actions**: *task and alert* writes a task in the owner's sales feed
  (``leads.facade.notify_sales`` with the owner as recipient) and raises an alert through
  the scoring alert path (``scoring.facade.alert_raise``: dashboard, an email to the owner
  through ``mail.facade``, Slack when configured); *nurture* enrols the lead in the chosen
  sequence through ``nurture.facade.sequence_enrol_lead`` (consent and "once per sequence"
  apply; a lead it refuses is skipped and not counted as a firing);
- **audit**: each firing is an ``InterventionFiring`` row and a ``LeadAudit`` entry
  (``leads.facade.lead_audit``): who (the user who ran it, or none for the nightly worker,
  and the rule's author), what (the actions and their ids), why (the score, threshold, model
  run and the prediction's top factors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from leads.facade import lead_audit, notify_sales
from nurture.facade import sequence_enrol_lead
from predictions.models import InterventionFiring, InterventionRule, LeadPrediction, ModelRun
from scoring.facade import alert_raise

NIGHTLY, ON_DEMAND = "nightly", "on demand"
AUDIT_ACTION = "intervention_fired"
DAY = dt.timedelta(days=1)


@dataclass
class RuleOutcome:
    """What one run of one rule did."""

    rule_id: int
    fired: int = 0
    candidates: int = 0
    in_cooldown: int = 0
    capped: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _model_kind(rule: InterventionRule) -> tuple[str, str]:
    if rule.signal == InterventionRule.Signal.CHURN_RISK:
        return ModelRun.Kind.CHURN, ""
    return ModelRun.Kind.PROPENSITY, rule.service.strip().lower()


def latest_run(rule: InterventionRule) -> ModelRun | None:
    kind, service = _model_kind(rule)
    return (
        ModelRun.objects.filter(kind=kind, service=service).order_by("-trained_at", "-pk").first()
    )


def _owner_label(owner: Any) -> str:
    return owner.get_username() if owner is not None else "the sales team (no owner)"


def _act(
    rule: InterventionRule, pred: LeadPrediction, firing: InterventionFiring
) -> tuple[dict[str, Any], str]:
    """Run the rule's action on one lead; ``(actions, "")`` or ``({}, why it was skipped)``."""
    lead = pred.lead
    if rule.action == InterventionRule.Action.NURTURE:
        enrolment_id, why = sequence_enrol_lead(
            lead_id=lead.pk, sequence_id=rule.sequence_id, trigger=f"intervention:{rule.pk}"
        )
        if enrolment_id is None:
            return {}, why
        return {"enrolment_id": enrolment_id, "sequence": rule.sequence.name}, ""
    owner = lead.assigned_to if lead.assigned_to_id else None
    label = f"{rule.name}: {rule.get_signal_display().lower()} {pred.score:.2f}"
    why = _why(rule, pred)
    task = notify_sales(
        lead=lead,
        kind="task",
        message=f"Task from rule '{rule.name}': {why}. Follow up with "
        f"{lead.company or lead.name or lead.email}.",
        data={"rule_id": rule.pk, "firing_id": firing.pk, "score": round(pred.score, 4)},
        recipient=owner,
    )
    alert = alert_raise(
        lead=lead,
        reason=f"intervention:{rule.pk}:{firing.pk}",
        details={"label": label, "rule": rule.name, "why": why, "factors": pred.factors},
    )
    return {
        "task_id": task.pk,
        "alert_id": alert.pk if alert is not None else None,
        "owner": _owner_label(owner),
    }, ""


def _why(rule: InterventionRule, pred: LeadPrediction) -> str:
    kind, service = _model_kind(rule)
    what = "churn risk" if kind == ModelRun.Kind.CHURN else f"propensity for {service}"
    return f"{what} {pred.score:.2f} >= {rule.threshold:g} (model run {pred.run_id})"


def rule_run(
    *, rule_id: int, trigger: str = NIGHTLY, actor: Any = None, now: dt.datetime | None = None
) -> RuleOutcome:
    """Run one rule (see the module docstring). Idempotent within the cooldown."""
    now = now or timezone.now()
    out = RuleOutcome(rule_id=rule_id)
    with transaction.atomic():
        rule = (
            InterventionRule.objects.select_for_update(of=("self",))
            .select_related("sequence", "created_by")
            .filter(pk=rule_id)
            .first()
        )
        if rule is None or not rule.is_active:
            out.note = "rule not found or not active"
            return out
        run = latest_run(rule)
        if run is None or not run.active:
            out.note = ("its model is not active: " + (run.message if run else "not trained yet"))[
                :300
            ]
            return out
        fired_today = InterventionFiring.objects.filter(rule=rule, fired_at__gt=now - DAY).count()
        room = max(rule.max_per_day - fired_today, 0)
        cooled = set(
            InterventionFiring.objects.filter(
                rule=rule, fired_at__gt=now - dt.timedelta(days=rule.cooldown_days)
            ).values_list("lead_id", flat=True)
        )
        preds = (
            LeadPrediction.objects.filter(
                run=run,
                score__gte=rule.threshold,
                lead__deleted_at__isnull=True,
                lead__erased_at__isnull=True,
            )
            .select_related("lead", "lead__assigned_to", "run")
            .order_by("-score", "pk")
        )
        for pred in preds.iterator(chunk_size=500):
            out.candidates += 1
            if pred.lead_id in cooled:
                out.in_cooldown += 1
                continue
            if out.fired >= room:
                out.capped += 1
                continue
            with transaction.atomic():
                firing = InterventionFiring.objects.create(
                    rule=rule, lead_id=pred.lead_id, run=run, score=pred.score,
                    trigger=trigger, fired_at=now,
                )  # fmt: skip
                actions, skipped = _act(rule, pred, firing)
                if skipped:
                    transaction.set_rollback(True)
                    out.skipped[skipped] = out.skipped.get(skipped, 0) + 1
                    continue
                firing.actions = actions
                firing.save(update_fields=["actions"])
                lead_audit(
                    lead_id=pred.lead_id,
                    action=AUDIT_ACTION,
                    actor=actor,
                    changes={
                        "rule_id": rule.pk,
                        "rule": rule.name,
                        "rule_author": rule.created_by.get_username() if rule.created_by else "",
                        "trigger": trigger,
                        "why": _why(rule, pred),
                        "score": round(pred.score, 4),
                        "threshold": rule.threshold,
                        "model_run": run.pk,
                        "factors": pred.factors,
                        "action": rule.action,
                        "actions": actions,
                        "firing_id": firing.pk,
                    },
                )
            out.fired += 1
    return out


def interventions_run(
    *, trigger: str = NIGHTLY, actor: Any = None, rule_ids: list[int] | None = None
) -> list[RuleOutcome]:
    """Run every active rule (or the given ones), each in its own transaction."""
    rules = InterventionRule.objects.filter(is_active=True)
    if rule_ids is not None:
        rules = rules.filter(pk__in=rule_ids)
    return [
        rule_run(rule_id=pk, trigger=trigger, actor=actor)
        for pk in rules.order_by("pk").values_list("pk", flat=True)
    ]
