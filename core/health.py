"""``GET /health``: database, cache, channel layer and broker, each checked for real.

200 with every part ``ok`` when all are up; 503 naming the part that failed otherwise.
The public sees component names and states only; errors and timings are shown to staff.
"""

from __future__ import annotations

import logging
import time
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    from core.degrade import ResilientRedisCache

    if isinstance(cache, ResilientRedisCache):  # its fallback would hide an outage
        cache.ping()
        return
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    if hasattr(layer, "ping"):  # the degrading Redis layer: ask Redis itself
        async_to_sync(layer.ping)()
        return

    async def roundtrip() -> None:
        channel = await layer.new_channel("health.")
        await layer.send(channel, {"type": "health.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "health.ping":
            raise RuntimeError("channel layer returned the wrong message")

    async_to_sync(roundtrip)()


def _check_broker() -> None:
    from ementech.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


def _knowledge_state() -> dict:
    """The knowledge index: configured embedding model, the one serving, rebuild state.
    Informational: while a rebuild runs the previous index keeps answering searches."""
    try:
        from content.facade import knowledge_index_status

        return knowledge_index_status()
    except Exception as exc:  # noqa: BLE001 - health must answer whatever breaks
        return {"state": "unknown", "error": f"{type(exc).__name__}"}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure makes the part unhealthy
            logger.warning("health check failed", extra={"part": name, "error": str(exc)})
            results[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"status": "ok"}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    failing = [name for name, r in results.items() if r["status"] != "ok"]
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_staff):
        # The public sees names and states only: no hosts, ports or error text.
        results = {name: {"status": r["status"]} for name, r in results.items()}
    body = {"status": "ok" if not failing else "error", "failing": failing, "checks": results}
    body["knowledge"] = _knowledge_state()
    return JsonResponse(body, status=200 if not failing else 503)
