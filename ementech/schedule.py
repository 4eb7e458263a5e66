"""Every periodic (Celery beat) task, in one place.

Apps add their entries here rather than scattering ``beat_schedule`` across modules, so
ops can read the whole timetable at once.
"""

from __future__ import annotations

from celery.schedules import crontab


def beat_schedule() -> dict[str, dict]:
    from django.conf import settings

    return {
        # --- core: publish background work the broker missed (the transactional outbox) ---
        "core-outbox-relay": {
            "task": "core.tasks.outbox_relay",
            "schedule": settings.OUTBOX_SWEEP_SECONDS,
        },
        # --- analytics: copy the tracking buffer (requests schedule drains; this catches lost ones)
        "analytics-drain-track-buffer": {
            "task": "analytics.tasks.drain_track_buffer",
            "schedule": settings.TRACK_BUFFER_SWEEP_SECONDS,
        },
        "ops-heartbeat": {
            "task": "core.tasks.heartbeat",
            "schedule": 300.0,
        },
        # --- events: reminders 24 h / 1 h before (each sent once), post-event follow-ups ---
        "events-reminders": {
            "task": "events.tasks.send_due_reminders",
            "schedule": 300.0,
        },
        "events-follow-ups": {
            "task": "events.tasks.send_due_follow_ups",
            "schedule": crontab(minute=15),
        },
        # --- content: "for you" feeds of visitors/leads who engaged since their last compute ---
        "content-refresh-stale-feeds": {
            "task": "content.tasks.refresh_stale_feeds",
            "schedule": 300.0,
        },
        # --- chat: demo holds nobody confirmed lapse (their links stop working) ---
        "chat-expire-demo-holds": {
            "task": "chat.tasks.expire_demo_holds",
            "schedule": 600.0,
        },
        "scoring-nightly-rescore": {
            "task": "scoring.tasks.rescore_all_leads",
            "schedule": crontab(hour=2, minute=30),
        },
        # --- predictions: churn and per-service propensity retrained nightly on the project's
        # own history (each activates only when it beats its baseline), then ai_data refilled
        "predictions-train-models": {
            "task": "predictions.tasks.train_models",
            "schedule": crontab(hour=3, minute=30),
        },
        "scoring-rescore-recent": {
            "task": "scoring.tasks.rescore_recent_leads",
            "schedule": 60.0,
        },
        # --- privacy: retention periods applied daily at 02:00 UTC, in batches ---
        # --- integrations: each task does nothing while its service is not configured ---
        "integrations-hubspot-sweep": {
            "task": "integrations.tasks.hubspot_sweep",
            "schedule": 120.0,
        },
        "integrations-remote-erasures": {
            "task": "integrations.tasks.remote_erasures",
            "schedule": 600.0,
        },
        "integrations-posthog-pageviews": {
            "task": "integrations.tasks.posthog_pageviews",
            "schedule": 60.0,
        },
        "integrations-zoom-reports": {
            "task": "integrations.tasks.zoom_pull_reports",
            "schedule": 900.0,
        },
        "privacy-retention": {
            "task": "privacy.tasks.apply_retention",
            "schedule": crontab(hour=2, minute=0),
        },
        # --- nurture: due sequence steps, trigger enrolment, scheduled newsletter issues ---
        "nurture-run-steps": {
            "task": "nurture.tasks.run_nurture_steps",
            "schedule": 600.0,
        },
        "nurture-scan-triggers": {
            "task": "nurture.tasks.scan_nurture_triggers",
            "schedule": 120.0,
        },
        "nurture-send-due-issues": {
            "task": "nurture.tasks.send_due_issues",
            "schedule": 300.0,
        },
        # --- leads: inferred profile data for recently active leads ---
        "leads-infer-profiles": {
            "task": "leads.tasks.infer_recent_profiles",
            "schedule": crontab(minute=40),
        },
        # --- analytics: re-enqueue lead processing for interactions left unprocessed ---
        "analytics-process-pending": {
            "task": "analytics.tasks.process_pending",
            "schedule": 600.0,
        },
        "analytics-prune-tracked-batches": {
            "task": "analytics.tasks.prune_tracked_batches",
            "schedule": crontab(hour=3, minute=10),
        },
    }


__all__ = ["beat_schedule", "crontab"]
