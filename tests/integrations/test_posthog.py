"""Issue 19, acceptance 2: PostHog through the official SDK against a capture stub:
lifecycle events only with analytics consent, person properties only with marketing
consent, page views, and person deletion on erasure (retried while PostHog is down)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import Interaction
from integrations import tasks
from integrations.facade import demo_booked
from integrations.models import RemoteErasure
from leads.models import Lead
from leads.services import ConsentInput, lead_capture, lead_change_stage, lead_update
from privacy.models import DeletionLog
from privacy.services import lead_erase

pytestmark = pytest.mark.django_db


def capture(email, *, analytics, marketing=False, **profile):
    return lead_capture(
        email=email,
        consent=ConsentInput(
            data_processing=True, analytics=analytics, marketing=marketing, wording="I agree."
        ),
        source="test",
        profile=profile or None,
    ).lead


def demo(lead):
    from chat.models import DemoBooking

    start = timezone.now() + timedelta(days=2)
    booking = DemoBooking.objects.create(
        lead=lead,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        slot_key=f"team|{start.isoformat()}",
        idempotency_key=f"test-{lead.pk}",
    )
    demo_booked(booking_id=booking.pk, lead_id=lead.pk)
    return booking


def journey(django_capture_on_commit_callbacks, **consent):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture("ph@example.com", name="Pat Hog", company="Hedgehogs", **consent)
    with django_capture_on_commit_callbacks(execute=True):
        lead_change_stage(lead=lead, stage=Lead.Stage.QUALIFIED, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        demo(lead)
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(lead=lead, data={"outcome": "won"}, actor=None)
    return lead


def test_lifecycle_events_reach_batch_endpoint_with_analytics_consent(
    posthog, django_capture_on_commit_callbacks
):
    lead = journey(django_capture_on_commit_callbacks, analytics=True, marketing=False)
    names = [e["event"] for e in posthog.events if e["event"] != "$identify"]
    assert names == ["lead captured", "lead qualified", "demo booked", "deal won"]
    assert set(posthog.paths) == {"/batch/"}
    assert {e["distinct_id"] for e in posthog.events} == {str(lead.pk)}
    # Identified, but without marketing consent no person properties travel.
    (identify,) = posthog.named("$identify")
    assert "$set" not in identify["properties"]
    assert "ph@example.com" not in str(posthog.events)


def test_marketing_consent_sets_person_properties(posthog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        capture("mkt@example.com", analytics=True, marketing=True, company="Hedgehogs")
    (identify,) = posthog.named("$identify")
    assert identify["properties"]["$set"]["email"] == "mkt@example.com"
    assert identify["properties"]["$set"]["company"] == "Hedgehogs"


def test_without_analytics_consent_nothing_is_sent(posthog, django_capture_on_commit_callbacks):
    lead = journey(django_capture_on_commit_callbacks, analytics=False, marketing=True)
    Interaction.objects.create(
        type="page_view",
        category="navigation",
        lead=lead,
        occurred_at=timezone.now(),
        properties={"path": "/pricing"},
    )
    tasks.posthog_pageviews.apply()
    assert posthog.events == [] and posthog.paths == []


def test_page_views_with_consent(posthog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture("pv@example.com", analytics=True)
    for path in ("/", "/pricing"):
        Interaction.objects.create(
            type="page_view",
            category="navigation",
            lead=lead,
            occurred_at=timezone.now(),
            properties={"path": path},
        )
    assert tasks.posthog_pageviews.apply().get() == 2
    assert tasks.posthog_pageviews.apply().get() == 0  # the cursor moved: no resend
    urls = sorted(e["properties"]["$current_url"] for e in posthog.named("$pageview"))
    assert [u.rsplit("/", 1)[-1] for u in urls] == ["", "pricing"]


def test_erasure_deletes_the_person_retrying_while_down(
    posthog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead = capture("forget@example.com", analytics=True)
    posthog.delete_unavailable = 1
    with django_capture_on_commit_callbacks(execute=True):
        lead_erase(lead=lead, method=DeletionLog.Method.STAFF, verified_by="test")
    pending = RemoteErasure.objects.get(service="posthog")
    assert pending.done_at is None and pending.attempts == 1  # PostHog was down
    assert tasks.remote_erasures.apply().get() == 1
    (deletion,) = posthog.deletions
    assert str(lead.pk) in deletion["distinct_ids"]
    pending.refresh_from_db()
    assert pending.done_at is not None and pending.remote_id == ""
