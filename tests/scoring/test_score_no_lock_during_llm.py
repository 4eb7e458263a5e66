"""``POST /api/leads/{id}/score`` commits the score before it asks the LLM for next-best
actions: while the (stubbed, held) LLM call is in flight, another connection can write the
same lead row without waiting for it."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from leads.models import Lead
from tests.ai_providers.stub import Reply
from tests.scoring.conftest import HOT_PROFILE, engaged_events, make_lead

# Seconds: only a bound so a regression fails instead of hanging. It must stay under the
# LLM client's timeout (ChatRequest.timeout, 20 s), or a timed-out call would free the lock.
GUARD = 10


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_score_endpoint_holds_no_lock_while_the_llm_answers(token_client, openai_stub):
    from django.utils import timezone

    lead = make_lead("lock@acme.test", profile=HOT_PROFILE, events=engaged_events(timezone.now()))
    started, release = threading.Event(), threading.Event()
    openai_stub.script(
        "openai",
        Reply(
            text="1. Call them — hot\n2. Send a case study — fit\n3. Book a demo — stage\n",
            started=started,
            release=release,
            hold_limit=2 * GUARD,
        ),
    )
    results: dict = {}
    scorer = _in_thread(lambda: token_client.post(f"/api/leads/{lead.pk}/score"), results, "score")
    try:
        assert started.wait(GUARD), "the score endpoint never asked the LLM"
        writer = _in_thread(
            lambda: Lead.objects.filter(pk=lead.pk).update(company="Written meanwhile"),
            results,
            "write",
        )
        writer.join(GUARD)
        # The write finished while the LLM call is still held: no lock on the lead row.
        assert not writer.is_alive(), "the write waited for the LLM call (lead row locked)"
        assert results["write"] == 1
        assert not release.is_set() and scorer.is_alive()
    finally:
        release.set()
        scorer.join(GUARD)
    response = results["score"]
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["actions_source"] == "llm"
    lead.refresh_from_db()
    assert lead.company == "Written meanwhile"
    assert lead.score == body["score"]
