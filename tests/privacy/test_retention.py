"""Retention with frozen time: exactly the expired rows go, and a second run removes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from analytics.models import Interaction
from leads.models import Lead
from privacy.models import DataRequest, DeletionLog
from privacy.retention import retention_apply

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)


def _at(days_ago: float):
    return time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False)


def _lead(email: str, *, days_ago: float, stage: str = "identified"):
    from leads.services import ConsentInput, lead_capture

    with _at(days_ago):
        lead = lead_capture(
            email=email, consent=ConsentInput(data_processing=True), source="test"
        ).lead
    Lead.all_objects.filter(pk=lead.pk).update(stage=stage)
    return lead


def _interaction(days_ago: float, lead=None) -> Interaction:
    from analytics.services import interaction_record

    with _at(days_ago):
        return interaction_record(type="page_view", properties={"path": "/x/"}, lead=lead)


@pytest.fixture
def world(db):
    keep_lead = _lead("recent@example.com", days_ago=700)
    old_lead = _lead("old@example.com", days_ago=731)
    customer_recent = _lead("customer@example.com", days_ago=2000, stage="customer")
    customer_old = _lead("oldcustomer@example.com", days_ago=2556, stage="customer")
    # activity keeps a lead alive: created long ago, visited recently
    active = _lead("active@example.com", days_ago=1000)
    Lead.all_objects.filter(pk=active.pk).update(last_visit_at=NOW - dt.timedelta(days=10))
    interactions = {
        "fresh": _interaction(89),
        "expired": _interaction(91),
        "kept_lead_old": _interaction(120, lead=keep_lead),
    }
    with _at(31):
        old_request = DataRequest.objects.create(kind="export", email_hash="x" * 64)
    with _at(29):
        new_request = DataRequest.objects.create(kind="export", email_hash="y" * 64)
    return {
        "keep_lead": keep_lead,
        "old_lead": old_lead,
        "customer_recent": customer_recent,
        "customer_old": customer_old,
        "active": active,
        "interactions": interactions,
        "old_request": old_request,
        "new_request": new_request,
    }


def test_retention_removes_exactly_the_expired_rows_and_is_idempotent(world):
    with time_machine.travel(NOW, tick=False):
        counts = retention_apply(batch_size=2)
        assert counts["interactions"] == 2  # the 91- and 120-day-old ones
        assert counts["leads_unconverted"] == 1
        assert counts["customers"] == 1
        assert counts["data_requests"] == 1
        assert set(Interaction.objects.values_list("pk", flat=True)) == {
            world["interactions"]["fresh"].pk
        }
        erased = set(Lead.all_objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
        assert erased == {world["old_lead"].pk, world["customer_old"].pk}
        live = set(Lead.objects.values_list("email_normalized", flat=True))
        assert live == {
            "recent@example.com",
            "customer@example.com",
            "active@example.com",
        }
        assert list(DataRequest.objects.values_list("pk", flat=True)) == [world["new_request"].pk]
        logs = DeletionLog.objects.filter(method="retention")
        assert logs.count() == 2
        assert {log.verified_by for log in logs} == {
            "retention:leads_unconverted",
            "retention:customers",
        }

        again = retention_apply()
        assert set(again.values()) == {0}
        assert DeletionLog.objects.count() == 2


def test_periods_are_configurable(world, settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "interactions": 30}
    with time_machine.travel(NOW, tick=False):
        assert retention_apply()["interactions"] == 3


def test_command_dry_run_counts_without_changing_anything(world):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out, stderr=io.StringIO())
        assert "interactions: 2 would be removed" in out.getvalue()
        assert Interaction.objects.count() == 3
        out = io.StringIO()
        call_command("apply_retention", stdout=out, stderr=io.StringIO())
        assert "interactions: 2 removed" in out.getvalue()
        assert "leads_unconverted: 1 removed" in out.getvalue()
        out = io.StringIO()
        call_command("apply_retention", stdout=out, stderr=io.StringIO())
        assert "Retention applied: 0 removed." in out.getvalue()


def test_beat_runs_retention_daily_at_two():
    from ementech.schedule import beat_schedule

    entry = beat_schedule()["privacy-retention"]
    assert entry["task"] == "privacy.tasks.apply_retention"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}


def test_retention_task_runs_the_service(world):
    from privacy.tasks import apply_retention

    with time_machine.travel(NOW, tick=False):
        assert apply_retention.delay().get()["interactions"] == 2
        assert timezone.now() == NOW


def test_conversations_and_unconfirmed_sign_ups_expire(db):
    from django.apps import apps

    conversation = apps.get_model("chat", "Conversation")
    subscriber = apps.get_model("nurture", "Subscriber")
    message = apps.get_model("chat", "Message")
    ids = {}
    for name, days in (("old", 181), ("young", 179)):
        with _at(days):
            conv = conversation.objects.create()
            message.objects.create(conversation=conv, role="user", content=f"{name} hello")
            ids[name] = conv.pk
    subs = {}
    for name, days, confirmed in (
        ("unconfirmed_old", 31, False),
        ("unconfirmed_young", 29, False),
        ("confirmed_old", 31, True),
    ):
        with _at(days):
            subs[name] = subscriber.objects.create(
                email=f"{name}@example.com",
                email_normalized=f"{name}@example.com",
                confirmed_at=timezone.now() if confirmed else None,
            ).pk
    with time_machine.travel(NOW, tick=False):
        counts = retention_apply()
        assert counts["conversations"] == 1 and counts["newsletter_unconfirmed"] == 1
        assert list(conversation.objects.values_list("pk", flat=True)) == [ids["young"]]
        assert list(message.objects.values_list("content", flat=True)) == ["young hello"]
        assert set(subscriber.objects.values_list("pk", flat=True)) == {
            subs["unconfirmed_young"],
            subs["confirmed_old"],
        }
        assert retention_apply()["conversations"] == 0
