"""Celery tasks of the predictions app."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def train_models() -> dict:
    """Retrain churn and propensity on the project's history and store their scores, then
    queue the automated interventions on the fresh scores."""
    from core.queue import enqueue
    from predictions.training import train_all

    result = train_all()
    enqueue(run_interventions, "nightly")
    return result


@shared_task(acks_late=True, ignore_result=True)
def run_interventions(trigger: str = "nightly") -> list[dict]:
    """Run every active intervention rule (cooldowns and caps make a retry harmless)."""
    from dataclasses import asdict

    from predictions.interventions import interventions_run

    return [asdict(o) for o in interventions_run(trigger=trigger)]
