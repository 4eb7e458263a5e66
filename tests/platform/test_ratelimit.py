"""The one rate limiter (core.ratelimit): windows, Retry-After, keys, and Redis outages."""

from __future__ import annotations

import json

import pytest
import redis
import time_machine
from django.test import RequestFactory, override_settings

from core import degrade, ratelimit
from tests.factories import with_rates


@pytest.fixture(autouse=True)
def _fresh_local_counts():
    ratelimit.reset_local()
    yield
    ratelimit.reset_local()


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("30/m", (30, 60)), ("5/h", (5, 3600)), ("10/30s", (10, 30)), ("1/d", (1, 86400))],
)
def test_rates_parse(rate, expected):
    parsed = ratelimit.parse_rate(rate)
    assert (parsed.count, parsed.period) == expected


@pytest.mark.parametrize("rate", ["", "30", "x/m", "30/w", "-1/m"])
def test_malformed_rates_are_refused(rate):
    with pytest.raises(ValueError, match="malformed rate"):
        ratelimit.parse_rate(rate)


def test_unknown_scope_names_itself():
    with pytest.raises(KeyError, match="no-such-scope"):
        ratelimit.check("no-such-scope", "k")


@override_settings(RATE_LIMITS=with_rates({"tools": "3/m"}))
def test_window_counts_then_opens_again():
    with time_machine.travel("2026-12-03 10:00:10", tick=False) as clock:
        decisions = [ratelimit.check("tools", "1.2.3.4") for _ in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert decisions[-1].retry_after == 50  # the minute's window ends at 10:01:00
        assert ratelimit.check("tools", "5.6.7.8").allowed  # another key has its own bucket
        clock.move_to("2026-12-03 10:01:01")
        assert ratelimit.check("tools", "1.2.3.4").allowed


@override_settings(RATE_LIMITS=with_rates({"tools": "10/h"}))
def test_cost_counts_more_than_one():
    assert ratelimit.check("tools", "spender", cost=7).allowed
    assert not ratelimit.check("tools", "spender", cost=7).allowed


@override_settings(RATE_LIMITS=with_rates({"tools": "1/m"}))
def test_view_helper_answers_the_contracts_429():
    request = RequestFactory().post("/api/tools/roi", REMOTE_ADDR="203.0.113.9")
    assert ratelimit.rate_limit(request, "tools") is None
    response = ratelimit.rate_limit(request, "tools")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = json.loads(response.content)
    assert set(body) == {"error", "details"} and body["details"]["retry_after"]


@override_settings(RATE_LIMITS=with_rates({"tools": "1/m"}))
def test_forged_forwarded_for_is_not_a_fresh_bucket():
    factory = RequestFactory()
    first = factory.post("/x", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    second = factory.post("/x", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert ratelimit.rate_limit(first, "tools") is None
    assert ratelimit.rate_limit(second, "tools").status_code == 429


@override_settings(RATE_LIMITS=with_rates({"tools": "2/m"}), REDIS_RETRY_SECONDS=60)
def test_redis_down_degrades_to_a_per_process_limiter(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("connection refused")

    monkeypatch.setattr(redis.client.Pipeline, "execute", down)
    breaker = degrade.cache_breaker()
    try:
        with caplog.at_level("ERROR", logger="core.degrade"):
            decisions = [ratelimit.check("tools", "9.9.9.9").allowed for _ in range(3)]
        assert decisions == [True, True, False]  # still limited, never an exception
        assert "redis unreachable" in caplog.text
    finally:
        breaker.ok()


def test_every_configured_rate_parses(settings):
    for scope, rate in settings.RATE_LIMITS.items():
        assert ratelimit.parse_rate(rate).count > 0, scope


def _rates_with_env(env: dict[str, str]) -> dict[str, str]:
    """``settings.RATE_LIMITS`` as a fresh process reads it from these variables."""
    import os
    import subprocess
    import sys

    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.RATE_LIMITS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ementech.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_rate_is_set_by_either_spelling_of_its_variable():
    """``RATE_LIMIT_TRACK`` and ``TRACK_RATE_LIMIT`` both set the track rate (the shared perf
    script uses the second); the first wins when both are set."""
    assert _rates_with_env({"TRACK_RATE_LIMIT": "7/m"})["track"] == "7/m"
    assert _rates_with_env({"RATE_LIMIT_TRACK": "8/m"})["track"] == "8/m"
    both = _rates_with_env(
        {"RATE_LIMIT_TRACK": "8/m", "TRACK_RATE_LIMIT": "7/m", "LEAD_CAPTURE_RATE_LIMIT": "9/m"}
    )
    assert both["track"] == "8/m" and both["lead-capture"] == "9/m"
