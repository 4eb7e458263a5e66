"""Acceptance 2: a worker killed with ``kill -9`` in the middle of a batch of emails and
scoring. After a new worker starts, each email was sent exactly once (counted in the file
outbox the delivery backend writes) and each score written once."""

from __future__ import annotations

import re
import signal
import uuid
from collections import Counter

import pytest
from django.db import transaction

from tests.faults.harness import RedisServer, Stack, require_service_mode, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

N = 120


def _queue_work(prefix: str) -> list:
    """N leads, then (without running anything here) N emails and N rescorings queued in
    the outbox, as a request would."""
    from core.queue import enqueue
    from leads.models import Lead
    from mail.facade import queue_email
    from scoring import tasks as scoring_tasks

    leads = Lead.objects.bulk_create(
        [Lead(email=f"{prefix}-{i}@example.org", email_normalized=f"{prefix}-{i}@example.org",
              name=f"Kill Test {i}", company="Crash Co") for i in range(N)]
    )  # fmt: skip
    with transaction.atomic():
        for lead in leads:
            queue_email(
                to=lead.email, subject="Hello", text="Body", kind="kill_test", lead_id=lead.pk
            )
            enqueue(scoring_tasks.rescore_lead, str(lead.pk), key=f"rescore:{prefix}:{lead.pk}")
    return leads


def test_worker_killed_mid_batch_sends_each_email_once(tmp_path, monkeypatch):
    database_url = require_service_mode()
    prefix = f"k{uuid.uuid4().hex[:6]}"
    redis = RedisServer(tmp_path)
    redis.start()
    stack = Stack(
        tmp_path / "stack",
        database_url=database_url,
        redis_url=redis.url(0),
        extra_env={"OUTBOX_LEASE_SECONDS": "8", "EMAIL_CLAIM_TIMEOUT_SECONDS": "8",
                   "OUTBOX_FAST_PATH_GRACE_SECONDS": "0", "OUTBOX_LOST_SECONDS": "8"},
    )  # fmt: skip
    # Record only: the rows wait in PostgreSQL for the relay of the workers started below.
    monkeypatch.setattr("core.outbox.publish", lambda row_id, countdown=None: False)
    try:
        from core.outbox import OutboxMessage
        from mail.models import OutboundEmail
        from scoring.models import ScoreSnapshot

        leads = _queue_work(prefix)
        rows = OutboxMessage.objects.filter(done_at__isnull=True)
        assert rows.count() >= 2 * N

        stack.start_worker(concurrency=2)
        stack.start_beat()
        done = OutboxMessage.objects.filter(done_at__isnull=False)
        wait_for(lambda: done.count() >= 20, 180, "the batch to be under way", step=0.1)
        stack.kill("worker", signal.SIGKILL)  # mid-batch: no warm shutdown, no acks
        assert rows.count() > 0, "the kill came too late to test anything"

        stack.start_worker("worker2", concurrency=2)
        emails = OutboundEmail.objects.filter(template="kill_test")
        wait_for(
            lambda: rows.count() == 0 and emails.filter(status="sent").count() == N,
            300, "the batch to finish after the restart", step=1.0,
        )  # fmt: skip
        sent: Counter = Counter()
        for path in (stack.var / "outbox").glob("*"):
            for to in re.findall(rb"^To: (.+)$", path.read_bytes(), flags=re.M):
                sent[to.decode().strip()] += 1
        assert len(sent) == N and set(sent.values()) == {1}, sent.most_common(3)
        snapshots = Counter(
            ScoreSnapshot.objects.filter(lead__in=leads).values_list("lead_id", flat=True)
        )
        assert len(snapshots) == N and set(snapshots.values()) == {1}
    finally:
        stack.stop()
        redis.stop()
