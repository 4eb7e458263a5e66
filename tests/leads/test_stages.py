"""Acceptance 4: progressive profiling moves stages forward once, each stage's action runs
exactly once (welcome email, sales notified, round-robin assignment), also when the same
events are processed twice; triggers fire once per condition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from analytics.models import Interaction
from analytics.services import interaction_record, interactions_record
from leads import profiling
from leads.models import Lead, LeadTrigger, SalesNotification
from leads.services import lead_capture, lead_change_stage, lead_process_events, lead_stage_check
from leads.tasks import check_stage, process_lead_events
from tests.factories import make_lead, make_visitor, staff_user

pytestmark = pytest.mark.django_db

QUALIFIED = {
    "name": "Lin",
    "company": "Acme",
    "role": "CTO",
    "company_size": "51-200",
    "industry": "Fintech",
    "pain_points": ["manual KYC"],
}
OPPORTUNITY = {**QUALIFIED, "budget": "50k-100k", "timeline": "1-3mo"}


def test_completeness_thresholds():
    lead = Lead(email="a@example.com")
    assert profiling.completeness(lead)["overall"] == 0.25
    assert profiling.stage_for_completeness(0.25) == "identified"
    for key, value in QUALIFIED.items():
        setattr(lead, key, value)
    scores = profiling.completeness(lead)
    assert scores["qualified"] == 1.0 and scores["opportunity"] == 0.0
    assert profiling.stage_for_completeness(scores["overall"]) == "qualified"
    lead.budget, lead.timeline = "100k+", "immediate"
    assert (
        profiling.stage_for_completeness(profiling.completeness(lead)["overall"]) == "opportunity"
    )


def test_stage_moves_and_actions_exactly_once(django_capture_on_commit_callbacks):
    staff_user("Sales", username="rep-a")
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("lin@example.com")
    lead.refresh_from_db()
    assert lead.stage == "identified"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lin@example.com"]

    with django_capture_on_commit_callbacks(execute=True):
        make_lead("LIN@example.com", **QUALIFIED)
    lead.refresh_from_db()
    assert lead.stage == "qualified"
    assert lead.qualified_at is not None
    assert SalesNotification.objects.filter(lead=lead, kind="qualified").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        make_lead("lin@example.com", **OPPORTUNITY)
        # The same work processed again (a redelivered task, a duplicate event).
        check_stage.delay(str(lead.pk))
        process_lead_events.delay(str(lead.pk))
        lead_stage_check(lead_id=lead.pk)
    lead.refresh_from_db()
    assert lead.stage == "opportunity"
    assert lead.assigned_to.username == "rep-a"
    assert len(mail.outbox) == 1
    assert SalesNotification.objects.filter(lead=lead, kind="qualified").count() == 1
    assert SalesNotification.objects.filter(lead=lead, kind="assigned").count() == 1
    assert sorted(LeadTrigger.objects.filter(lead=lead).values_list("kind", flat=True)) == [
        "stage_identified",
        "stage_opportunity",
        "stage_qualified",
    ]
    assert lead.audits.filter(action="stage_changed").count() == 3


def test_jump_to_opportunity_runs_every_crossed_action_once(django_capture_on_commit_callbacks):
    staff_user("Sales", username="rep-a")
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("jump@example.com", **OPPORTUNITY)
    lead.refresh_from_db()
    assert lead.stage == "opportunity"
    assert len(mail.outbox) == 1
    assert SalesNotification.objects.filter(lead=lead).values_list("kind", flat=True).count() == 2


def test_round_robin_among_active_sales_users(django_capture_on_commit_callbacks):
    a = staff_user("Sales", username="rep-a")
    b = staff_user("Sales", username="rep-b")
    gone = staff_user("Sales", username="rep-gone", is_active=False)
    staff_user("Marketers", username="not-sales")
    assignees = []
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            lead = make_lead(f"opp{i}@example.com", **OPPORTUNITY)
        lead.refresh_from_db()
        assignees.append(lead.assigned_to)
    assert assignees == [a, b, a, b, a]
    assert gone not in assignees


def test_stage_never_moves_backwards_by_itself(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("c@example.com")
    sales = staff_user("Sales", username="rep-a")
    lead_change_stage(lead=lead, stage="customer", actor=sales)
    with django_capture_on_commit_callbacks(execute=True):
        lead_stage_check(lead_id=lead.pk)
    lead.refresh_from_db()
    assert lead.stage == "customer"
    audit = lead.audits.get(action="stage_changed", actor=sales)
    assert audit.changes == {"stage": ["identified", "customer"]}


def test_high_intent_fires_once_even_when_events_repeat(django_capture_on_commit_callbacks):
    visitor = make_visitor()
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("p@example.com", visitor=visitor)
        visitor.refresh_from_db()
        short = {"type": "page_exit", "properties": {"path": "/pricing", "duration": 30}}
        interactions_record(events=[short], visitor=visitor)
    assert not SalesNotification.objects.filter(kind="high_intent").exists()
    long = {"type": "page_exit", "properties": {"path": "/pricing/", "duration": 95}}
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            interactions_record(events=[long, long], visitor=visitor)
    lead_process_events(lead_id=lead.pk)  # and once more by hand
    assert SalesNotification.objects.filter(lead=lead, kind="high_intent").count() == 1
    lead.refresh_from_db()
    assert lead.buying_stage == "decision"


def test_return_after_seven_days_fires_once_per_return(django_capture_on_commit_callbacks):
    visitor = make_visitor()
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("r@example.com", visitor=visitor)
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)

    def view(at):
        interaction_record(
            type="page_view", properties={"path": "/"}, visitor=visitor, lead=lead, occurred_at=at
        )

    view(now)
    view(now + dt.timedelta(days=3))  # not a return
    view(now + dt.timedelta(days=11))  # back after 8 days
    view(now + dt.timedelta(days=11, minutes=5))
    lead_process_events(lead_id=lead.pk)
    lead_process_events(lead_id=lead.pk)
    Interaction.objects.filter(lead=lead).update(processed_at=None)  # reprocess everything
    lead_process_events(lead_id=lead.pk)
    assert SalesNotification.objects.filter(lead=lead, kind="reengagement").count() == 1
    view(now + dt.timedelta(days=30))  # another return
    lead_process_events(lead_id=lead.pk)
    assert SalesNotification.objects.filter(lead=lead, kind="reengagement").count() == 2
    lead.refresh_from_db()
    assert lead.visits == 4
    assert lead.page_views == 5


def test_resource_download_trigger_once_per_resource(django_capture_on_commit_callbacks):
    visitor = make_visitor()
    with django_capture_on_commit_callbacks(execute=True):
        lead = make_lead("d@example.com", visitor=visitor)
        visitor.refresh_from_db()
    for resource in ("guide", "guide", "report"):
        with django_capture_on_commit_callbacks(execute=True):
            interaction_record(
                type="resource_download", properties={"resource_id": resource}, visitor=visitor
            )
    lead_process_events(lead_id=lead.pk)
    lead_process_events(lead_id=lead.pk)
    lead.refresh_from_db()
    fired = sorted(lead.triggers.filter(kind="resource_download").values_list("key", flat=True))
    assert fired == ["guide", "report"]
    assert lead.buying_stage == "consideration"


def test_capture_of_erased_lead_email_creates_new_row():
    """The unique rule holds among non-erased rows only (erasure keeps the row anonymised)."""
    from leads.services import ConsentInput

    old = make_lead("e@example.com")
    Lead.all_objects.filter(pk=old.pk).update(erased_at=old.created_at)
    again = lead_capture(
        email="E@example.com", consent=ConsentInput(data_processing=True), source="x"
    )
    assert again.created and again.lead.pk != old.pk
