"""Who from Sales is online: the staff chat socket marks a Sales user present while it is
connected (shared cache, so every web process sees it; entries expire if a process dies)."""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "chat:presence:sales"
TTL = 3600  # a connection that never said goodbye stops counting after an hour


def _entries() -> dict[str, float]:
    now = time.time()
    return {k: v for k, v in (cache.get(KEY) or {}).items() if v > now}


def staff_online(*, user_id: int, channel: str) -> None:
    entries = _entries()
    entries[f"{user_id}:{channel}"] = time.time() + TTL
    cache.set(KEY, entries, TTL)


def staff_offline(*, channel: str) -> None:
    entries = {k: v for k, v in _entries().items() if not k.endswith(f":{channel}")}
    cache.set(KEY, entries, TTL)


def sales_online() -> bool:
    return bool(_entries())
