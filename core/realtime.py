"""The one way to push a real-time event to sockets: ``push_on_commit(group, message)``.

Pushes go through the channel layer (Redis in every mode, so an event raised in the worker
reaches a socket served by a web process). They are best effort by design: the rows they
describe are already stored, pages refresh from the database, and a failed push is logged,
never raised. ``push_on_commit`` waits for the current transaction, so a socket never hears
about a row that was rolled back; outside a transaction it pushes at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def push_now(groups: str | Iterable[str], message: dict[str, Any]) -> None:
    """Send ``message`` (it names its consumer handler in ``type``) to each group now."""
    layer = get_channel_layer()
    if layer is None:
        return
    for group in [groups] if isinstance(groups, str) else list(groups):
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # noqa: BLE001 - the row is stored; a live push is best effort
            logger.warning("realtime push to %s failed", group, exc_info=True)


def push_on_commit(groups: str | Iterable[str], message: dict[str, Any]) -> None:
    """Send ``message`` to each group once the current transaction commits."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    transaction.on_commit(lambda: push_now(groups, message))


__all__ = ["push_now", "push_on_commit"]
