"""Celery tasks of the tools app (thin: each calls one service with ids)."""

from __future__ import annotations

from celery import shared_task

from tools import services


@shared_task(acks_late=True)
def infer_profile(lead_id: str) -> int:
    return len(services.profile_infer(lead_id=lead_id))


@shared_task(acks_late=True)
def infer_recent_profiles() -> int:
    return services.profiles_infer_recent()
