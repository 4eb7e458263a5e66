"""Nurture email subject tests (issue 18): a lead's variant is the same sticky hash as on
the site, the email queued through the mail app carries the variant's subject, the lead is
counted once, leads without analytics consent get the control and are not counted, and
shipping writes the winning subject into the step (or the newsletter issue)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from experiments import resolution
from experiments.models import Experiment, Exposure, Variant
from experiments.services import ExperimentError, experiment_ship, experiment_start
from leads.services import ConsentInput, lead_capture, visitor_touch
from mail.models import OutboundEmail
from nurture import services as nurture
from nurture.models import Sequence, SequenceStep

pytestmark = pytest.mark.django_db

SUBJECTS = {"control": "", "b": "B: three automations your ops team can ship", "c": "C: 12 min"}
OWN = "Welcome: our best resources"


@pytest.fixture
def step(db):
    seq = Sequence.objects.create(slug="exp-welcome", name="Welcome", trigger="manual")
    return SequenceStep.objects.create(
        sequence=seq, position=1, delay_hours=0, template="nurture_generic", subject=OWN
    )


def _subject_test(*, step=None, issue=None, goal="qualified", start=True) -> Experiment:
    exp = Experiment.objects.create(
        name="Welcome subject",
        slug="welcome-subject",
        target=Experiment.Target.EMAIL_SUBJECT,
        goal=goal,
        sequence_step=step,
        newsletter_issue=issue,
    )
    for i, (key, subject) in enumerate(SUBJECTS.items()):
        Variant.objects.create(
            experiment=exp, key=key, name=key, weight=34, content=subject, sort_order=i
        )
    if start:
        experiment_start(experiment=exp)
        resolution.invalidate()
    return exp


def _lead(email: str, *, visitor: bool = True, analytics: bool = True):
    v = visitor_touch(visitor_id=None) if visitor else None
    lead = lead_capture(
        email=email,
        consent=ConsentInput(data_processing=True, marketing=True, analytics=analytics),
        source="test",
        visitor=v,
    ).lead
    return lead, v


def _send_step(lead, step) -> OutboundEmail:
    nurture.sequence_enrol(lead=lead, trigger="manual", sequence=step.sequence)
    enrolment = step.sequence.enrolments.get(lead=lead)
    nurture.enrolment_advance(enrolment_id=enrolment.pk, now=timezone.now() + dt.timedelta(1))
    return OutboundEmail.objects.get(lead=lead, category="nurture:exp-welcome")


def test_the_lead_gets_its_site_variant_in_the_email_and_is_counted_once(step):
    exp = _subject_test(step=step)
    seen = {}
    for i in range(30):
        lead, visitor = _lead(f"reader{i}@example.com")
        # What the site shows this visitor (the template tag's resolution)...
        site = resolution.resolve_for_visitor(
            exp.slug, visitor_id=visitor.pk, consented=True, record=False
        )
        email = _send_step(lead, step)
        # ... is the subject of the email queued through the mail app.
        expected = SUBJECTS[site.variant] or OWN
        assert email.subject == expected
        exposure = Exposure.objects.get(experiment=exp, visitor_id=visitor.pk)
        assert exposure.variant.key == site.variant
        assert exposure.lead_id == lead.pk and exposure.email_id == email.pk
        seen[site.variant] = seen.get(site.variant, 0) + 1
    assert set(seen) == {"control", "b", "c"}  # every arm is used
    # A second run of the sequence sends nothing and counts nobody twice.
    nurture.sequence_run_due(now=timezone.now() + dt.timedelta(days=2))
    assert Exposure.objects.filter(experiment=exp).count() == 30
    assert OutboundEmail.objects.filter(category="nurture:exp-welcome").count() == 30


def test_leads_without_analytics_consent_get_the_control_and_are_not_counted(step):
    exp = _subject_test(step=step)
    for i in range(15):
        # No analytics decision and no visitor: not consenting.
        lead, _ = _lead(f"private{i}@example.com", visitor=False, analytics=False)
        assert _send_step(lead, step).subject == OWN
    for i in range(15):
        # A visitor that later withdrew analytics consent (a newer ledger row wins).
        lead, visitor = _lead(f"withdrew{i}@example.com")
        from leads.facade import consent_record

        consent_record(lead=lead, visitor=visitor, purpose="analytics", granted=False)
        assert _send_step(lead, step).subject == OWN
    assert not Exposure.objects.filter(experiment=exp).exists()


def test_a_lead_without_a_visitor_is_keyed_by_the_lead_and_converts_on_pipeline(step):
    from experiments.assignment import assign
    from experiments.selectors import experiment_counts

    exp = _subject_test(step=step)
    leads = [_lead(f"novisit{i}@example.com", visitor=False)[0] for i in range(12)]
    defn = resolution.definitions()[exp.slug]
    for lead in leads:
        email = _send_step(lead, step)
        expected = assign(defn, f"lead:{lead.pk}")
        assert email.subject == (SUBJECTS[expected.key] or OWN)
    rows = Exposure.objects.filter(experiment=exp)
    assert rows.count() == 12 and not rows.filter(visitor__isnull=False).exists()
    # Qualified after the email: a conversion of its arm (the pipeline goal, not a click).
    from leads.models import Lead

    Lead.objects.filter(pk=leads[0].pk).update(qualified_at=timezone.now() + dt.timedelta(1))
    counts = {a.key: (a.exposures, a.conversions) for a in experiment_counts(experiment=exp)}
    assert sum(n for n, _ in counts.values()) == 12
    assert sum(c for _, c in counts.values()) == 1


def test_ship_writes_the_winning_subject_into_the_step(step, marketer):
    exp = _subject_test(step=step)
    b = exp.variants.get(key="b")
    experiment_ship(experiment=exp, variant=b, actor=marketer)
    step.refresh_from_db()
    assert step.subject == SUBJECTS["b"]
    resolution.invalidate()
    lead, _ = _lead("after@example.com")
    assert _send_step(lead, step).subject == SUBJECTS["b"]


def test_a_newsletter_issue_subject_test_sends_each_subscriber_its_variant(
    step, django_capture_on_commit_callbacks
):
    from nurture.models import Newsletter, NewsletterIssue, Subscriber

    newsletter = Newsletter.objects.create(slug="ops", name="Ops notes", frequency="monthly")
    issue = NewsletterIssue.objects.create(newsletter=newsletter, subject="Ops notes #1")
    exp = _subject_test(issue=issue)
    ids = []
    for i in range(10):
        sub = nurture.newsletter_subscribe(email=f"sub{i}@example.com", newsletters=["ops"])
        nurture.newsletter_confirm(subscriber=sub)
        ids.append(sub.pk)
    nurture.newsletter_issue_send_batch(issue_id=issue.pk, subscriber_ids=ids)
    for sub in Subscriber.objects.filter(pk__in=ids):
        email = OutboundEmail.objects.get(lead_id=sub.lead_id, category="newsletter")
        chosen = Exposure.objects.filter(experiment=exp, lead_id=sub.lead_id).first()
        # Newsletter confirmations record no analytics consent and have no visitor:
        # these leads get the issue's own subject and are not counted.
        assert chosen is None and email.subject == "Ops notes #1"
    # With analytics consent, the variant's subject goes out and the lead is counted.
    lead, visitor = _lead("fan@example.com")
    fan = nurture.newsletter_subscribe(email="fan@example.com", newsletters=["ops"])
    fan = nurture.newsletter_confirm(subscriber=fan)
    assert fan.lead_id == lead.pk
    issue2 = NewsletterIssue.objects.create(newsletter=newsletter, subject="Ops notes #2")
    exp.newsletter_issue = issue2
    exp.save(update_fields=["newsletter_issue"])
    resolution.invalidate()
    nurture.newsletter_issue_send_batch(issue_id=issue2.pk, subscriber_ids=[fan.pk])
    email = OutboundEmail.objects.filter(category="newsletter").order_by("-id").first()
    site = resolution.resolve_for_visitor(
        exp.slug, visitor_id=visitor.pk, consented=True, record=False
    )
    assert email.subject == (SUBJECTS[site.variant] or "Ops notes #2")
    assert Exposure.objects.filter(experiment=exp, visitor_id=visitor.pk).count() == 1


def test_an_email_test_needs_its_email_and_a_pipeline_goal_after_capture(step):
    with pytest.raises(ExperimentError, match="sequence step or the newsletter issue"):
        _subject_test()
    Experiment.objects.all().delete()
    with pytest.raises(ExperimentError, match="already captured"):
        _subject_test(step=step, goal="lead_captured")
