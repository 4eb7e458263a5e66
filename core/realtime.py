"""The one way to push a real-time event to sockets: ``push_on_commit(group, message)``.

Pushes go through the channel layer (Redis in every mode, so an event raised in the worker
reaches a socket served by a web process). They are best effort by design: the rows they
describe are already stored, pages refresh from the database, and a failed push is logged,
never raised. ``push_on_commit`` waits for the current transaction, so a socket never hears
about a row that was rolled back; outside a transaction it pushes at once. Called from a
thread that runs an event loop (async code calling a sync helper), the send is scheduled on
that loop instead: ``async_to_sync`` refuses to run there and the push would be lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
_in_flight: set[asyncio.Task] = set()  # scheduled sends, kept alive until they finish


def push_now(groups: str | Iterable[str], message: dict[str, Any]) -> None:
    """Send ``message`` (it names its consumer handler in ``type``) to each group now."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    for group in [groups] if isinstance(groups, str) else list(groups):
        if loop is not None:
            task = loop.create_task(_send(layer, group, message))
            _in_flight.add(task)
            task.add_done_callback(_in_flight.discard)
            continue
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # noqa: BLE001 - the row is stored; a live push is best effort
            logger.warning("realtime push to %s failed", group, exc_info=True)


async def _send(layer: Any, group: str, message: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, message)
    except Exception:  # noqa: BLE001 - the row is stored; a live push is best effort
        logger.warning("realtime push to %s failed", group, exc_info=True)


def push_on_commit(groups: str | Iterable[str], message: dict[str, Any]) -> None:
    """Send ``message`` to each group once the current transaction commits."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    transaction.on_commit(lambda: push_now(groups, message))


__all__ = ["push_now", "push_on_commit"]
