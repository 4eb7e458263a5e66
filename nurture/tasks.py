"""Celery tasks of the nurture app (thin: each calls one service with ids)."""

from __future__ import annotations

from celery import shared_task

from nurture import services


@shared_task(bind=True, acks_late=True, max_retries=3)
def deliver_email(self, email_id: int) -> str:
    """Deliver a deferred email; a failure is retried with backoff (1, 2, 4 minutes)."""
    status = services.email_deliver(email_id=email_id)
    # Eager mode (tests, no worker) cannot wait for a countdown: the row stays "failed".
    if status == "failed" and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return status


@shared_task(acks_late=True)
def send_issue_batch(issue_id: int, subscriber_ids: list[int]) -> int:
    return services.newsletter_issue_send_batch(issue_id=issue_id, subscriber_ids=subscriber_ids)


@shared_task(acks_late=True)
def dispatch_issue(issue_id: int) -> int:
    return services.newsletter_issue_dispatch(issue_id=issue_id)


@shared_task(acks_late=True)
def send_due_issues() -> int:
    return len(services.newsletter_issues_due())


@shared_task(acks_late=True)
def run_nurture_steps() -> int:
    return services.sequence_run_due()


@shared_task(acks_late=True)
def scan_nurture_triggers() -> int:
    return services.sequence_triggers_scan()


@shared_task(acks_late=True)
def retry_email(email_id: int) -> str:
    from nurture.models import OutboundEmail

    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:
        return "missing"
    return services.email_retry(email=email).status
