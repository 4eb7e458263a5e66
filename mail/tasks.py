"""Celery tasks of the mail app (thin: each calls one service with ids)."""

from __future__ import annotations

from celery import shared_task

from mail.services.sending import email_deliver

RETRY_COUNTDOWNS = (60, 120, 240, 480, 960)  # seconds before attempts 2..6


def _deliver_or_retry(task, email_id: int) -> str:
    status = email_deliver(email_id=email_id)
    # Eager mode (tests, no worker) cannot wait for a countdown: the row stays "failed".
    request = task.request
    if status == "failed" and not request.is_eager and request.retries < task.max_retries:
        raise task.retry(countdown=RETRY_COUNTDOWNS[request.retries])
    return status


@shared_task(name="mail.tasks.deliver_email", bind=True, acks_late=True, max_retries=5)
def deliver_email(self, email_id: int) -> str:
    """Deliver one queued email; a failure (SMTP down, timeout) is retried with backoff and
    the row stays ``failed`` (never lost) when the retries run out."""
    return _deliver_or_retry(self, email_id)


# Outbox rows written before the mail app existed name the task by its old path.
@shared_task(name="nurture.tasks.deliver_email", bind=True, acks_late=True, max_retries=5)
def deliver_email_legacy(self, email_id: int) -> str:
    return _deliver_or_retry(self, email_id)


@shared_task(name="nurture.tasks.retry_email", acks_late=True)
def retry_email_legacy(email_id: int) -> str:
    return email_deliver(email_id=email_id)
