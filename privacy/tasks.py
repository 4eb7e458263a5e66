"""Celery tasks of the privacy app (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="privacy.tasks.send_data_request_link", acks_late=True)
def send_data_request_link(request_id: str) -> bool:
    from privacy.services import data_request_send_link

    return data_request_send_link(request_id=request_id)


@shared_task(name="privacy.tasks.apply_retention", acks_late=True)
def apply_retention() -> dict[str, int]:
    from privacy.retention import retention_apply

    return retention_apply()
