"""Celery tasks of the tools app.

Profile inference moved to ``leads`` (``leads.tasks``); these two names stay so that a
message already queued under them still runs, through ``leads.facade``.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def infer_profile(lead_id: str) -> int:
    from leads.facade import profile_infer

    return len(profile_infer(lead_id=lead_id))


@shared_task(acks_late=True)
def infer_recent_profiles() -> int:
    from leads.facade import profiles_infer_recent

    return profiles_infer_recent()
