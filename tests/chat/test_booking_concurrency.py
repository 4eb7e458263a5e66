"""Acceptance 5: two visitors confirming the same demo slot at the same moment — exactly
one booking succeeds (the database's unique constraint decides, not a read-then-write)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections

from chat import services
from chat.models import DemoBooking, Message
from chat.tools import demo_slots_open

pytestmark = pytest.mark.django_db(transaction=True)


def pending_conversation(email: str, slot: dict, action_id: str):
    conv = services.conversation_open()
    Message.objects.create(conversation=conv, role="user", content=email)
    services.conversation_set_consent(conversation=conv)
    services.conversation_store_profile(conversation=conv, values={"email": email})
    conv.refresh_from_db()
    conv.state = {
        "offered_slots": [slot],
        "pending": {"action_id": action_id, "tool": "book_demo", "slot": slot, "reason": ""},
    }
    conv.save()
    return conv


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_confirmations_of_one_slot_book_exactly_once(round_):
    slot = demo_slots_open(limit=1)[0]
    convs = [
        pending_conversation(f"visitor{i}-{round_}@example.com", slot, f"action-{round_}-{i}")
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    results: list[list[dict]] = [[], []]

    def confirm(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            for _attempt in range(50):
                try:
                    results[i] = list(
                        services.chat_confirm(
                            conversation=convs[i], action_id=f"action-{round_}-{i}", accept=True
                        )
                    )
                    return
                except OperationalError as exc:
                    # In-memory SQLite (shared cache) reports a table lock at once instead of
                    # waiting like PostgreSQL or file SQLite do: try again.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    booked = [any(e["type"] == "booked" for e in r) for r in results]
    refused = [any(e.get("status") == "refused" for e in r) for r in results]
    assert sorted(booked) == [False, True], results
    assert sorted(refused) == [False, True], results
    assert DemoBooking.objects.filter(slot_key=slot["id"], status="confirmed").count() == 1
    # The slot is no longer offered to anyone else.
    assert slot["id"] not in {s["id"] for s in demo_slots_open(limit=5)}
