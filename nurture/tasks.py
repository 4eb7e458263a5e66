"""Celery tasks of the nurture app (thin: each calls one service with ids)."""

from __future__ import annotations

from celery import shared_task

from nurture import services


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
