"""Issue 18: automated interventions. A rule a sales manager sets fires once per lead
(idempotent within its cooldown), at most ``max_per_day`` times a day, audits each firing on
the lead, delivers through the existing paths (the owner's task in the sales feed, the
scoring alert and its email through the mail outbox, nurture enrolment), runs after the
nightly training and on demand; a Marketer or Ops user cannot create or run one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, LeadAudit, SalesNotification
from leads.services import ConsentInput, lead_assign, lead_capture
from mail.models import OutboundEmail
from nurture.models import Enrolment, Sequence
from predictions.interventions import ON_DEMAND, interventions_run, rule_run
from predictions.models import InterventionFiring, InterventionRule, LeadPrediction, ModelRun
from scoring.models import ScoreAlert
from tests.factories import staff_user


def _lead(email: str, *, marketing: bool = True, owner=None) -> Lead:
    lead = lead_capture(
        email=email,
        consent=ConsentInput(data_processing=True, marketing=marketing, wording="Test wording."),
        source="test",
        profile={"company": email.split("@")[0].title()},
    ).lead
    if owner is not None:
        lead = lead_assign(lead=lead, user=owner, actor=None)
    return lead


def _run(kind: str, scores: list[tuple[Lead, float]], *, service: str = "", active=True):
    run = ModelRun.objects.create(
        kind=kind,
        service=service,
        status="activated" if active else "refused",
        message=f"{kind}: held-out AUC 0.70; activated." if active else "not activated.",
        trained_at=timezone.now(),
    )
    LeadPrediction.objects.bulk_create(
        LeadPrediction(
            run=run,
            lead=lead,
            score=s,
            factors=[{"field": "days_since_last_visit", "value": 90, "effect": 0.2}],
        )
        for lead, s in scores
    )
    return run


def _churn_rule(**kw) -> InterventionRule:
    return InterventionRule.objects.create(
        **{
            "name": "Churn check-in",
            "signal": "churn_risk",
            "threshold": 0.5,
            "action": "task_alert",
            "cooldown_days": 30,
            "max_per_day": 20,
            **kw,
        }
    )


@pytest.fixture
def owner(db):
    return staff_user("Sales", username="owner-1", email="owner@ementech.example")


def test_churn_rule_fires_once_per_lead_with_task_alert_email_and_audit(
    owner, django_capture_on_commit_callbacks
):
    high = _lead("high@example.com", owner=owner)
    mid = _lead("mid@example.com", owner=owner)
    low = _lead("low@example.com", owner=owner)
    run = _run("churn", [(high, 0.91), (mid, 0.62), (low, 0.2)])
    rule = _churn_rule()

    with django_capture_on_commit_callbacks(execute=True):
        out = rule_run(rule_id=rule.pk)
    assert (out.fired, out.candidates, out.in_cooldown, out.capped) == (2, 2, 0, 0)
    firings = {f.lead_id: f for f in InterventionFiring.objects.filter(rule=rule)}
    assert set(firings) == {high.pk, mid.pk}
    assert firings[high.pk].run_id == run.pk and firings[high.pk].trigger == "nightly"

    # The owner's task, in the sales feed, addressed to them.
    tasks = SalesNotification.objects.filter(kind="task", lead=high)
    assert tasks.count() == 1 and tasks.get().recipient == owner
    assert "Churn check-in" in tasks.get().message
    # The alert, through the scoring alert path, and its email to the owner via the outbox.
    alert = ScoreAlert.objects.get(lead=high)
    assert alert.details["rule"] == "Churn check-in"
    assert "email" in alert.deliveries
    email = OutboundEmail.objects.get(lead=high, category="sales_alert")
    assert email.to_email == "owner@ementech.example"
    assert "Churn check-in" in email.subject
    assert firings[high.pk].actions == {
        "task_id": tasks.get().pk,
        "alert_id": alert.pk,
        "owner": "owner-1",
    }
    # Audited on the lead: who (no user: the worker), what, why.
    audit = LeadAudit.objects.get(lead=high, action="intervention_fired")
    assert audit.actor is None
    assert audit.changes["rule_id"] == rule.pk and audit.changes["trigger"] == "nightly"
    assert audit.changes["score"] == 0.91 and audit.changes["threshold"] == 0.5
    assert audit.changes["model_run"] == run.pk
    assert audit.changes["why"].startswith("churn risk 0.91 >= 0.5")
    assert audit.changes["factors"][0]["field"] == "days_since_last_visit"
    assert not LeadAudit.objects.filter(lead=low, action="intervention_fired").exists()

    # Idempotent: a second run (a retried task, or on demand) hits nobody again.
    again = rule_run(rule_id=rule.pk)
    assert (again.fired, again.in_cooldown) == (0, 2)
    assert InterventionFiring.objects.count() == 2
    assert SalesNotification.objects.filter(kind="task").count() == 2
    assert ScoreAlert.objects.count() == 2
    assert LeadAudit.objects.filter(action="intervention_fired").count() == 2


def test_cooldown_ends_and_the_lead_is_hit_again(owner):
    lead = _lead("again@example.com", owner=owner)
    _run("churn", [(lead, 0.8)])
    rule = _churn_rule(cooldown_days=7)
    assert rule_run(rule_id=rule.pk).fired == 1
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=False):
        assert rule_run(rule_id=rule.pk).fired == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert rule_run(rule_id=rule.pk).fired == 1
    assert InterventionFiring.objects.filter(rule=rule, lead=lead).count() == 2
    assert LeadAudit.objects.filter(lead=lead, action="intervention_fired").count() == 2


def test_daily_cap_takes_the_highest_scores_first_and_holds_for_24_hours(owner):
    leads = [_lead(f"cap{i}@example.com", owner=owner) for i in range(5)]
    _run("churn", [(lead, 0.6 + i * 0.05) for i, lead in enumerate(leads)])
    rule = _churn_rule(max_per_day=2)

    first = rule_run(rule_id=rule.pk)
    assert (first.fired, first.capped) == (2, 3)
    hit = set(InterventionFiring.objects.values_list("lead_id", flat=True))
    assert hit == {leads[4].pk, leads[3].pk}  # the two highest risks
    # Same day: the cap is spent (the two hit are also in their cooldown).
    second = rule_run(rule_id=rule.pk)
    assert (second.fired, second.capped, second.in_cooldown) == (0, 3, 2)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False):
        third = rule_run(rule_id=rule.pk)
    assert (third.fired, third.capped, third.in_cooldown) == (2, 1, 2)
    assert InterventionFiring.objects.count() == 4
    assert ScoreAlert.objects.count() == 4


def test_propensity_rule_enrols_in_the_services_sequence_once(owner):
    sequence = Sequence.objects.create(
        slug="ai-strategy-nurture", name="AI strategy nurture", trigger="manual"
    )
    keen = _lead("keen@example.com")
    no_marketing = _lead("quiet@example.com", marketing=False)
    unlikely = _lead("unlikely@example.com")
    _run(
        "propensity",
        [(keen, 0.7), (no_marketing, 0.8), (unlikely, 0.1)],
        service="ai-strategy",
    )
    _run("propensity", [(unlikely, 0.9)], service="data-platform")  # another service's model
    rule = InterventionRule.objects.create(
        name="AI strategy propensity",
        signal="propensity",
        service="ai-strategy",
        threshold=0.4,
        action="nurture",
        sequence=sequence,
    )

    out = rule_run(rule_id=rule.pk)
    assert out.fired == 1 and out.skipped == {"no marketing consent": 1}
    enrolment = Enrolment.objects.get(sequence=sequence)
    assert enrolment.lead_id == keen.pk and enrolment.trigger == f"intervention:{rule.pk}"
    firing = InterventionFiring.objects.get(rule=rule)
    assert firing.actions == {"enrolment_id": enrolment.pk, "sequence": "AI strategy nurture"}
    audit = LeadAudit.objects.get(lead=keen, action="intervention_fired")
    assert audit.changes["why"].startswith("propensity for ai-strategy 0.70 >= 0.4")
    # The refused lead left no firing and no audit; no task or alert for a nurture rule.
    assert not LeadAudit.objects.filter(lead=no_marketing, action="intervention_fired").exists()
    assert not SalesNotification.objects.filter(kind="task").exists()
    assert not ScoreAlert.objects.exists()

    assert rule_run(rule_id=rule.pk).fired == 0
    assert Enrolment.objects.count() == 1


def test_a_rule_whose_model_is_not_active_fires_nothing(owner):
    lead = _lead("refused@example.com", owner=owner)
    _run("churn", [(lead, 0.99)], active=False)
    rule = _churn_rule()
    out = rule_run(rule_id=rule.pk)
    assert out.fired == 0 and "not active" in out.note
    assert not InterventionFiring.objects.exists()
    InterventionRule.objects.filter(pk=rule.pk).update(is_active=False)
    _run("churn", [(lead, 0.99)])
    assert interventions_run() == []


def test_nightly_training_runs_the_rules_on_the_fresh_scores(
    planted_history, owner, django_capture_on_commit_callbacks
):
    from predictions.tasks import train_models

    _churn_rule(threshold=0.0, max_per_day=5)
    with django_capture_on_commit_callbacks(execute=True):
        result = train_models()
    assert result["churn"] == "activated"
    run = ModelRun.objects.filter(kind="churn").latest("trained_at")
    firings = InterventionFiring.objects.all()
    assert firings.count() == 5 and {f.run_id for f in firings} == {run.pk}
    assert {f.trigger for f in firings} == {"nightly"}


# --- the back office: who may set and run rules -------------------------------------------


def _add_form(sequence=None) -> dict:
    return {
        "name": "Planted rule",
        "is_active": "on",
        "signal": "churn_risk",
        "service": "",
        "threshold": "0.5",
        "action": "task_alert",
        "sequence": sequence.pk if sequence else "",
        "cooldown_days": "30",
        "max_per_day": "10",
        "firings-TOTAL_FORMS": "0",
        "firings-INITIAL_FORMS": "0",
        "firings-MIN_NUM_FORMS": "0",
        "firings-MAX_NUM_FORMS": "0",
    }


def test_sales_creates_a_rule_in_the_admin_and_runs_it_on_demand(client, sales_user, owner):
    client.force_login(sales_user)
    add = reverse("admin:predictions_interventionrule_add")
    assert client.get(add).status_code == 200
    response = client.post(add, _add_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = InterventionRule.objects.get(name="Planted rule")
    assert rule.created_by == sales_user

    # A nurture rule without its sequence is refused by the form.
    bad = {**_add_form(), "name": "No sequence", "action": "nurture"}
    assert client.post(add, bad).status_code == 200
    assert not InterventionRule.objects.filter(name="No sequence").exists()

    lead = _lead("ondemand@example.com", owner=owner)
    _run("churn", [(lead, 0.75)])
    changelist = reverse("admin:predictions_interventionrule_changelist")
    response = client.post(
        changelist, {"action": "run_now", "_selected_action": [rule.pk]}, follow=True
    )
    assert "fired 1 of 1 candidates" in response.content.decode()
    firing = InterventionFiring.objects.get(rule=rule)
    assert firing.trigger == ON_DEMAND
    audit = LeadAudit.objects.get(lead=lead, action="intervention_fired")
    assert audit.actor == sales_user and audit.changes["rule_author"] == sales_user.username
    # The rule's page lists its last firings.
    page = client.get(reverse("admin:predictions_interventionrule_change", args=[rule.pk]))
    assert "Last firings" in page.content.decode() and "ondemand" in page.content.decode()
    # And the forecast dashboard shows the rule with its last firing.
    html = client.get(reverse("forecast-dashboard")).content.decode()
    section = html[html.index('id="interventions"') :]
    assert "Planted rule" in section and "Ondemand" in section
    assert "task and alert to owner-1" in section and "on demand" in section


@pytest.mark.parametrize("role", ["Marketers", "Ops"])
def test_a_non_sales_user_cannot_create_or_run_a_rule(client, role, owner):
    attacker = staff_user(role, username=f"attacker-{role.lower()}")
    client.force_login(attacker)
    add = reverse("admin:predictions_interventionrule_add")
    response = client.post(add, _add_form())
    assert response.status_code == 403
    assert not InterventionRule.objects.exists()

    rule = _churn_rule()
    lead = _lead("target@example.com", owner=owner)
    _run("churn", [(lead, 0.9)])
    changelist = reverse("admin:predictions_interventionrule_changelist")
    response = client.post(changelist, {"action": "run_now", "_selected_action": [rule.pk]})
    # Marketers may not even see the list (403); Ops see it read-only, without the action.
    assert response.status_code == (403 if role == "Marketers" else 200)
    assert "Run the selected rules now" not in response.content.decode()
    change = reverse("admin:predictions_interventionrule_change", args=[rule.pk])
    assert client.post(change, {**_add_form(), "threshold": "0.01"}).status_code == 403
    assert not InterventionFiring.objects.exists()
    assert InterventionRule.objects.get(pk=rule.pk).threshold == 0.5
