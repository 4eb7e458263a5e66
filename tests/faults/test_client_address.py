"""Acceptance 3: a client's ``X-Forwarded-For`` does not change the address the limiter sees.

Through the real server command (``manage.py web``, what ``make web`` and the Dockerfile
run): with no proxy configured, eight tracking calls each carrying a fresh forged
``X-Forwarded-For`` share one bucket and the sixth is refused; with the proxy configured
(``FORWARDED_ALLOW_IPS``/``TRUSTED_PROXY_COUNT``) the same header is believed.
"""

from __future__ import annotations

import pytest

from tests.faults.harness import RedisServer, Stack, require_service_mode, running

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EVENT = {"type": "page_view", "properties": {"path": "/pricing"}}


def _statuses(stack: Stack, n: int) -> list[int]:
    return [
        stack.request(
            "POST",
            "/api/track",
            EVENT,
            headers={"X-Forwarded-For": f"203.0.113.{i}", "Cookie": "em_consent=1.a1.m0"},
        )[0]
        for i in range(1, n + 1)
    ]


def test_forged_forwarded_for_is_ignored_without_a_proxy(tmp_path):
    database_url = require_service_mode()
    redis = RedisServer(tmp_path)
    redis.start()
    try:
        stack = Stack(
            tmp_path / "direct",
            database_url=database_url,
            redis_url=redis.url(1),
            extra_env={"RATE_LIMIT_TRACK": "5/m"},
        )
        with running(stack):
            stack.start_web()
            assert _statuses(stack, 8) == [202] * 5 + [429] * 3

        proxied = Stack(
            tmp_path / "proxied",
            database_url=database_url,
            redis_url=redis.url(2),
            extra_env={
                "RATE_LIMIT_TRACK": "5/m",
                "FORWARDED_ALLOW_IPS": "127.0.0.1",
                "TRUSTED_PROXY_COUNT": "1",
            },
        )
        with running(proxied):
            proxied.start_web()
            assert _statuses(proxied, 8) == [202] * 8  # one address each, behind our proxy
    finally:
        redis.stop()
