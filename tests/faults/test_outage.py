"""Acceptance 1: Redis down (cache, broker and channel layer at once), and again only the
broker down — 200 captures, 200 tracked batches and 20 privacy requests all answer 2xx;
known and unknown privacy addresses get the same answer. When Redis is back and a worker
starts, every follow-up has run exactly once (welcome emails, rescoring, privacy links),
and retrying every request once more stores no duplicate.

Real processes throughout: a private ``redis-server`` (its own port), the web server as
``make web`` starts it, Celery worker and beat (prefork, not eager).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.harness import RedisServer, Stack, require_service_mode, running, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

CAPTURES = 200
BATCHES = 200
KNOWN = 10  # privacy requests for known addresses (and as many for unknown ones)
CONSENT = "em_consent=1.a1.m0"
ENV = {
    "RATE_LIMIT_LEAD_CAPTURE": "100000/m",
    "RATE_LIMIT_TRACK": "100000/m",
    "RATE_LIMIT_PRIVACY_REQUESTS": "100000/h",
    "SCORING_DEBOUNCE_SECONDS": "1",
    "OUTBOX_FAST_PATH_GRACE_SECONDS": "1",
    "OUTBOX_LEASE_SECONDS": "30",
    "REDIS_RETRY_SECONDS": "1",
}


def _seed_known(prefix: str) -> list[str]:
    """Leads whose addresses the privacy requests will name (created before the outage)."""
    from leads.services import ConsentInput, lead_capture

    emails = [f"{prefix}-known{i}@example.org" for i in range(KNOWN)]
    for email in emails:
        lead_capture(email=email, consent=ConsentInput(data_processing=True), source="seed")
    return emails


def _captures(prefix: str) -> list[tuple[str, str, dict, dict]]:
    return [("POST", "/api/leads", {
        "email": f"{prefix}-{i}@example.org", "name": f"Fault Person {i}",
        "company": "Outage Ltd", "phone": f"+25470000{i:04d}",
        "consent": {"data_processing": True, "marketing": True},
    }, {"Cookie": CONSENT}) for i in range(CAPTURES)]  # fmt: skip


def _batches(prefix: str, visitors: list[str]) -> list[tuple[str, str, dict, dict]]:
    """One batch per captured (so identified) visitor, with a fixed batch id: a retry is
    the same batch."""
    calls = []
    for i in range(BATCHES):
        events = [
            {"type": "page_view", "properties": {"path": f"/p/{i}"}, "session_id": prefix},
            {"type": "scroll", "properties": {"scroll_depth": 50}, "session_id": prefix},
        ]
        cookie = f"{CONSENT}; em_vid={visitors[i % len(visitors)]}"
        calls.append(("POST", "/api/track", {"events": events, "batch_id": f"{prefix}-b{i:04d}"},
                      {"Cookie": cookie}))  # fmt: skip
    return calls


def _privacy(prefix: str, known: list[str]) -> list[tuple[str, str, dict, dict]]:
    unknown = [f"{prefix}-nobody{i}@example.org" for i in range(KNOWN)]
    emails = [x for pair in zip(known, unknown, strict=True) for x in pair]
    return [  # a retry carries the same Idempotency-Key
        ("POST", "/api/privacy/requests", {"email": email, "type": "export"},
         {"Idempotency-Key": f"{prefix}-r{i}"})
        for i, email in enumerate(emails)
    ]  # fmt: skip


def _send_all(stack: Stack, calls) -> list[tuple[int, object, str, dict]]:
    answers = []
    for method, path, body, headers in calls:
        status, response_headers, parsed = stack.request(method, path, body, headers=headers)
        answers.append((status, parsed, path, response_headers))
    return answers


def _visitor(headers: dict) -> str:
    found = re.search(r"em_vid=([^;,\s]+)", headers.get("set-cookie", ""))  # signed value
    assert found, headers
    return found[1]


def _outbox_sends(var: Path) -> Counter:
    """How many times each address was really sent a message (the file outbox)."""
    sent: Counter = Counter()
    for path in (var / "outbox").glob("*"):
        for to in re.findall(rb"^To: (.+)$", path.read_bytes(), flags=re.M):
            sent[to.decode().strip().lower()] += 1
    return sent


def _state(prefix: str) -> dict:
    from analytics.models import Interaction, TrackedBatch
    from core.outbox import outbox_stats
    from leads.models import Lead
    from mail.models import OutboundEmail
    from privacy.models import DataRequest
    from scoring.models import ScoreSnapshot

    leads = Lead.objects.filter(email__startswith=f"{prefix}-")
    captured = leads.exclude(email__contains="-known")
    emails = OutboundEmail.objects.filter(to_email__startswith=f"{prefix}-").exclude(
        to_email__contains="-known", template="welcome"
    )
    return {
        "leads": captured.count(),
        "interactions": Interaction.objects.filter(session_id=prefix).count(),
        "processed": Interaction.objects.filter(
            session_id=prefix, processed_at__isnull=False
        ).count(),
        "batches": TrackedBatch.objects.filter(batch_id__startswith=f"{prefix}-").count(),
        "welcome": Counter(emails.filter(template="welcome").values_list("to_email", flat=True)),
        "welcome_sent": emails.filter(template="welcome", status="sent").count(),
        "links": Counter(
            emails.filter(template="privacy_export_link").values_list("to_email", flat=True)
        ),
        "links_sent": emails.filter(template="privacy_export_link", status="sent").count(),
        "requests": DataRequest.objects.count(),
        "requests_pending_with_link": DataRequest.objects.filter(
            status="pending", token_hash__gt=""
        ).count(),
        "scored": captured.filter(scored_at__isnull=False).count(),
        # A score is written again only when it changes (capture, then the tracked events):
        # the same result written twice for one lead is a doubled run.
        "snapshots": Counter(
            ScoreSnapshot.objects.filter(lead__in=captured).values_list(
                "lead_id", "score", "fit_score", "engagement_score"
            )
        ),
        "outbox": outbox_stats(),
    }


def _run(tmp_path: Path, *, broker_only: bool) -> None:
    database_url = require_service_mode()
    prefix = f"f{uuid.uuid4().hex[:6]}"
    known = _seed_known(prefix)
    redis = RedisServer(tmp_path, "redis")
    redis.start()
    broker = RedisServer(tmp_path, "broker") if broker_only else redis
    if broker_only:
        broker.start()
    stack = Stack(
        tmp_path / "stack",
        database_url=database_url,
        redis_url=redis.url(0),
        broker_url=broker.url(1),
        extra_env=ENV,
    )
    try:
        with running(stack):
            stack.start_web()
            broker.stop()  # broker only, or all of Redis when they are the same server
            captured = _send_all(stack, _captures(prefix))
            visitors = [_visitor(h) for s, _b, _p, h in captured if 200 <= s < 300]
            calls = _captures(prefix) + _batches(prefix, visitors) + _privacy(prefix, known)
            answers = captured + _send_all(stack, calls[CAPTURES:])
            bad = [(s, p, b) for s, b, p, _h in answers if not 200 <= s < 300]
            assert bad == [], bad[:5]
            privacy = [(s, b) for s, b, p, _h in answers if p == "/api/privacy/requests"]
            assert len({(s, str(b)) for s, b in privacy}) == 1, privacy[:4]  # same for all

            down = _state(prefix)
            assert down["leads"] == CAPTURES
            # All of Redis down: the requests wrote their events themselves. Only the broker
            # down: they wait in the tracking buffer (Redis) for a worker; counted below.
            if not broker_only:
                assert down["interactions"] == 2 * BATCHES
            assert down["welcome_sent"] == 0 and down["links_sent"] == 0
            assert down["outbox"]["unpublished"] > 0  # intents waited in PostgreSQL

            broker.start()
            stack.start_worker(concurrency=3)
            stack.start_beat()

            last: dict = {}

            def drained() -> dict | None:
                state = _state(prefix)
                last.update(state)
                done = (
                    state["outbox"]["pending"] == 0
                    and state["welcome_sent"] == CAPTURES
                    and state["links_sent"] == KNOWN
                    and state["scored"] == CAPTURES
                    and state["processed"] == 2 * BATCHES
                )
                return state if done else None

            try:
                after = wait_for(drained, 480, "every follow-up", step=2.0)
            except AssertionError as exc:
                summary = {k: (sum(v.values()) if isinstance(v, Counter) else v)
                           for k, v in last.items()}  # fmt: skip
                raise AssertionError(f"{exc}; last state {summary}") from None
            assert set(after["welcome"].values()) == {1}, "one welcome email per lead"
            assert set(after["links"].values()) == {1} and len(after["links"]) == KNOWN
            assert after["requests_pending_with_link"] == KNOWN
            assert set(after["snapshots"].values()) == {1}, "each score written once"
            assert after["outbox"]["dead"] == 0
            sends = _outbox_sends(stack.var)
            assert sum(sends.values()) == CAPTURES + KNOWN
            assert max(sends.values()) == 1

            # Every request once more (the client's retry): nothing stored twice.
            # A browser's retry holds the cookie its first answer set (a capture retried by a
            # browser that never got the answer is a new device: it gets one "continue where
            # you left off" email by design, see the identity rules).
            retry_captures = [
                (m, p, b, {"Cookie": f"{CONSENT}; em_vid={visitors[i]}"})
                for i, (m, p, b, _h) in enumerate(calls[:CAPTURES])
            ]
            again = _send_all(stack, retry_captures + calls[CAPTURES:])
            assert [s for s, _b, _p, _h in again if not 200 <= s < 300] == []
            wait_for(lambda: _state(prefix)["outbox"]["pending"] == 0, 120, "retries' work")
            final = _state(prefix)
            for key in ("leads", "interactions", "batches", "requests", "welcome", "links"):
                assert final[key] == after[key], key
            assert set(final["snapshots"].values()) == {1}
            assert _outbox_sends(stack.var) == sends
    finally:
        stack.stop()
        redis.stop()
        if broker_only:
            broker.stop()


def test_redis_down_nothing_lost_nothing_doubled(tmp_path):
    _run(tmp_path, broker_only=False)


def test_broker_down_nothing_lost_nothing_doubled(tmp_path):
    _run(tmp_path, broker_only=True)
