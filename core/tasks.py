"""Operational Celery tasks: a heartbeat for beat and a ping used by health checks/tests."""

from __future__ import annotations

import logging
import time

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.ping", acks_late=True)
def ping(token: str = "") -> dict:
    """Round-trip a token through the broker and a worker."""
    return {"pong": token, "at": time.time()}


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> str:
    logger.info("worker heartbeat")
    return "ok"


@shared_task(name="core.tasks.outbox_relay", acks_late=True, ignore_result=True)
def outbox_relay() -> int:
    """Publish outbox rows the broker never got, or whose run never finished (beat)."""
    from core.outbox import relay_pending

    return relay_pending()
