"""Run a synchronous event generator (a chat turn) in a worker thread and hand its events
to async code as they come, so tokens stream instead of arriving all at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from django.db import close_old_connections

from core.errors import ApplicationError

log = logging.getLogger(__name__)
_DONE = object()


async def pump(make: Callable[[], Iterator[dict[str, Any]]]) -> AsyncIterator[dict[str, Any]]:
    """Iterate ``make()`` in a thread; yield its events in order in the event loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def put(item: Any) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, item)

    def worker() -> None:
        close_old_connections()
        try:
            for event in make():
                put(event)
        except ApplicationError as exc:
            put({"type": "error", "error": exc.message, "details": exc.details})
        except Exception:  # noqa: BLE001 - the visitor gets an error event, we get the trace
            log.exception("chat turn failed")
            put({"type": "error", "error": "Something went wrong.", "details": {}})
        finally:
            close_old_connections()
            put(_DONE)

    future = loop.run_in_executor(None, worker)
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            yield item
    finally:
        await future


def drain_sync(make: Callable[[], Iterator[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """The same contract for synchronous callers (WSGI), errors as events."""
    try:
        yield from make()
    except ApplicationError as exc:
        yield {"type": "error", "error": exc.message, "details": exc.details}
    except Exception:  # noqa: BLE001
        log.exception("chat turn failed")
        yield {"type": "error", "error": "Something went wrong.", "details": {}}
