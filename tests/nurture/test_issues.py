"""Newsletter issues composed in Wagtail and sent by Celery beat in batches, with a
personalised digest per subscriber; the demo data (lists, sequences) loads idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from nurture import services, tasks
from nurture.models import (
    IssueDelivery,
    Newsletter,
    NewsletterIssue,
    Sequence,
    SequenceStep,
    Subscriber,
)

pytestmark = pytest.mark.django_db


def _confirmed(email: str, slug: str = "tech-insights") -> Subscriber:
    services.newsletter_subscribe(email=email, newsletters=[slug])
    sub = Subscriber.objects.get(email_normalized=email)
    return services.newsletter_confirm(subscriber=sub)


def test_demo_loads_lists_and_sequences_idempotently(demo_site):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Newsletter.objects.count() == 3
    welcome = Sequence.objects.get(slug="welcome")
    assert list(welcome.steps.values_list("delay_hours", "template")) == [
        (24, "welcome_resources"),
        (72, "industry_case_study"),
        (168, "webinar_invite"),
    ]
    assert welcome.steps.get(position=2).only_if_not_qualified is True
    guide = Sequence.objects.get(slug="guide-download")
    assert guide.trigger == "resource_download"
    assert SequenceStep.objects.filter(sequence=guide).count() == 3


@override_settings(NEWSLETTER_BATCH_SIZE=2)
def test_scheduled_issue_goes_out_in_batches_with_a_digest(
    demo_site, django_capture_on_commit_callbacks
):
    for i in range(5):
        _confirmed(f"reader{i}@example.com")
    _confirmed("growth@example.com", slug="growth-playbook")
    services.newsletter_subscribe(email="pending@example.com", newsletters=["tech-insights"])
    mail.outbox.clear()
    issue = NewsletterIssue.objects.get(subject="RAG in production: what breaks first")
    issue.status = NewsletterIssue.Status.SCHEDULED
    issue.send_at = timezone.now() + dt.timedelta(hours=1)
    issue.save()
    assert tasks.send_due_issues.delay().get() == 0  # not yet due
    issue.send_at = timezone.now() - dt.timedelta(minutes=1)
    issue.save()
    batches = []
    original = tasks.send_issue_batch.delay

    def spy(issue_id, ids):
        batches.append(list(ids))
        return original(issue_id, ids)

    tasks.send_issue_batch.delay = spy
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_due_issues.delay()
    finally:
        tasks.send_issue_batch.delay = original
    assert [len(b) for b in batches] == [2, 2, 1]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [f"reader{i}@example.com" for i in range(5)]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    message = mail.outbox[0]
    assert "Chunking is a product decision" in message.body
    # The personalised digest: the content app's picks with an intro (rules: no LLM key).
    assert "Picked for you" in message.body
    assert message.body.count("\n- ") >= 1
    # Sending the same issue again reaches nobody twice.
    services.newsletter_issue_send_batch(
        issue_id=issue.pk, subscriber_ids=list(Subscriber.objects.values_list("pk", flat=True))
    )
    assert len(mail.outbox) == 5
    assert IssueDelivery.objects.count() == 5


def test_marketers_compose_issues_in_wagtail(client, marketer, nurture_demo):
    client.force_login(marketer)
    for url in (
        "/cms/snippets/nurture/newsletterissue/",
        "/cms/snippets/nurture/newsletterissue/add/",
        "/cms/snippets/nurture/sequence/",
        "/cms/snippets/nurture/newsletter/",
    ):
        assert client.get(url).status_code == 200, url
    sequence = Sequence.objects.get(slug="welcome")
    edit = client.get(f"/cms/snippets/nurture/sequence/edit/{sequence.pk}/")
    assert edit.status_code == 200
    assert b"only_if_not_qualified" in edit.content
