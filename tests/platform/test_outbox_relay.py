"""The outbox relay re-publishes lost and abandoned work, never a queue backlog, and a
duplicate delivery does nothing (core.outbox, core.task_class)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core import outbox
from core.outbox import OutboxMessage, claim_run, relay_pending

pytestmark = pytest.mark.django_db

T0 = timezone.now()


def _row(**fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        **{"task": "core.tasks.heartbeat", "created_at": T0, **fields}
    )


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    published: list[int] = []
    monkeypatch.setattr(outbox, "_send", lambda row, countdown=None: published.append(row.pk))
    return published


@override_settings(OUTBOX_LEASE_SECONDS=60, OUTBOX_LOST_SECONDS=600)
def test_relay_republishes_only_lost_and_abandoned_runs(sent):
    now = timezone.now()
    never_sent = _row(created_at=now - timedelta(seconds=30))
    queued = _row(published_at=now - timedelta(seconds=300), publishes=1)  # backlog: wait
    lost = _row(published_at=now - timedelta(seconds=900), publishes=1)  # broker lost it
    running = _row(published_at=now - timedelta(seconds=900), started_at=now, publishes=1)
    died = _row(
        published_at=now - timedelta(seconds=900),
        started_at=now - timedelta(seconds=120),
        publishes=1,
    )
    finished = _row(published_at=now - timedelta(seconds=900), done_at=now, publishes=1)
    assert relay_pending() == 3
    assert sorted(sent) == sorted([never_sent.pk, lost.pk, died.pk])
    assert {queued.pk, running.pk, finished.pk}.isdisjoint(sent)


@override_settings(OUTBOX_LEASE_SECONDS=60)
def test_a_duplicate_delivery_does_nothing():
    row = _row(published_at=T0, publishes=2)
    task_id = row.task_id
    assert claim_run(task_id) is True  # the first delivery runs
    assert claim_run(task_id) is False  # a second one while it runs: skipped
    OutboxMessage.objects.filter(pk=row.pk).update(done_at=timezone.now())
    assert claim_run(task_id) is False  # and after it is done: skipped


@override_settings(OUTBOX_LEASE_SECONDS=60)
def test_a_run_abandoned_past_its_lease_can_be_claimed_again():
    row = _row(published_at=T0, started_at=timezone.now() - timedelta(seconds=120))
    assert claim_run(row.task_id) is True


def test_tasks_outside_the_outbox_always_run():
    assert claim_run(None) is True
    assert claim_run("a-celery-uuid") is True
    assert claim_run(f"{outbox.TASK_ID_PREFIX}987654321") is True  # unknown row: run


def test_the_project_task_class_skips_a_duplicate(monkeypatch):
    from ementech.celery import app

    calls = []

    @app.task(name="tests.outbox.probe", bind=True)
    def _probe(self):
        calls.append(self.request.id)
        return "ran"

    from core.task_class import OutboxTask

    probe = app.tasks["tests.outbox.probe"]
    row = _row(task="tests.outbox.probe", done_at=timezone.now())
    assert isinstance(probe, OutboxTask)
    # A worker's delivery of a row already done returns without running the body.
    probe.push_request(id=row.task_id, called_directly=False, is_eager=False)
    try:
        assert probe() is None
    finally:
        probe.pop_request()
    assert calls == []


def test_a_retry_can_claim_and_a_skipped_duplicate_marks_nothing_done():
    from types import SimpleNamespace

    from core.outbox import SKIPPED_FLAG, _mark_done

    row = _row(published_at=T0)
    assert claim_run(row.task_id) is True
    # A duplicate delivery, skipped while the first run works: its postrun changes nothing.
    skipped = SimpleNamespace(request=SimpleNamespace(**{SKIPPED_FLAG: True}))
    _mark_done(task_id=row.task_id, state="SUCCESS", task=skipped)
    row.refresh_from_db()
    assert row.done_at is None and row.started_at is not None
    # The first run asks for a retry: the next delivery may claim the row at once.
    plain = SimpleNamespace(request=SimpleNamespace())
    _mark_done(task_id=row.task_id, state="RETRY", task=plain)
    assert claim_run(row.task_id) is True
    _mark_done(
        task_id=row.task_id, state="SUCCESS", task=SimpleNamespace(request=SimpleNamespace())
    )
    row.refresh_from_db()
    assert row.done_at is not None
