"""Celery tasks of the leads app: thin wrappers that take ids and call a service.

Lead events and stage checks are idempotent (triggers and stage actions fire once per
condition) and safe to run twice or concurrently (row lock on the lead).
"""

from __future__ import annotations

from celery import shared_task

from leads import services
from leads.services import inference


@shared_task(acks_late=True, ignore_result=True)
def process_lead_events(lead_id: str) -> None:
    services.lead_process_events(lead_id=lead_id)


@shared_task(acks_late=True, ignore_result=True)
def check_stage(lead_id: str) -> None:
    services.lead_stage_check(lead_id=lead_id)


@shared_task(acks_late=True)
def infer_profile(lead_id: str) -> int:
    """Infer the lead's missing profile data from its behaviour (progressive profiling)."""
    return len(inference.profile_infer(lead_id=lead_id))


@shared_task(acks_late=True)
def infer_recent_profiles() -> int:
    """The beat's hourly pass over recently active leads."""
    return inference.profiles_infer_recent()
