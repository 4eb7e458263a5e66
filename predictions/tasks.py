"""Celery tasks of the predictions app."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def train_models() -> dict:
    """Retrain churn and propensity on the project's history and store their scores."""
    from predictions.training import train_all

    return train_all()
