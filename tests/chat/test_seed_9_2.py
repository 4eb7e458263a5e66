"""Acceptance 2: the seed's 9.2 conversation, the visitor's lines exactly as the seed
writes them and nothing added, ends with the seed's qualified lead and a booked demo.

The seed gives no email line, so the visitor is a returning lead: this browser sent a form
earlier (email, name, company, role and consent), and the chosen time is a click on the
offered slot in the widget, an action rather than typed words."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async

from chat.models import Conversation, DemoBooking, Message
from tests.chat.conftest import ChatSocket, in_own_loop
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Seed section 9.2, the visitor's side, verbatim.
SEED_LINES = [
    "We're looking to implement chatbots",
    "We use Zendesk, have 5 support agents",
    "Response times and costs",
    "That sounds about right",
    "Hopefully in the next couple months",
    "Yes, that would be great",
]


@database_sync_to_async
def returning_lead():
    """A visitor who filled in a form earlier (the ROI calculator captures role)."""
    from leads.models import Visitor
    from leads.services import ConsentInput, lead_capture

    visitor = Visitor.objects.create()
    lead_capture(
        email="jane.wambui@acme-logistics.co.ke",
        consent=ConsentInput(data_processing=True, method="form", wording="I agree."),
        source="form",
        visitor=visitor,
        profile={"name": "Jane Wambui", "company": "Acme Logistics",
                 "role": "Head of Customer Support"},
    )  # fmt: skip
    return str(visitor.pk)


@in_own_loop
async def test_seed_9_2_conversation_verbatim_ends_qualified_and_booked():
    visitor_id = await returning_lead()
    ws = ChatSocket(cookie=f"em_vid={visitor_cookie(visitor_id)}")
    await ws.connect(timezone="Africa/Nairobi")
    replies = []
    for line in SEED_LINES:
        turn = await ws.say(line)
        assert turn["done"]["type"] == "done", turn["events"]
        replies.append(turn)
    texts = [r["text"] for r in replies]
    # The assistant's side follows the seed: value, then one question at a time.
    assert re.search(r"setup|tools", texts[0], re.I), texts[0]
    assert re.search(r"challenge|slowing", texts[1], re.I), texts[1]
    assert re.search(r"\$15k.{0,6}50k", texts[2]), texts[2]
    assert re.search(r"when|live|date", texts[3], re.I), texts[3]
    assert re.search(r"demo", texts[4], re.I), texts[4]
    # Nothing the lead already gave is asked again (the form had email, name, company, role).
    for text in texts:
        assert not re.search(r"\b(email|your name|company|role)\b.*\?", text, re.I), text
    slots_event = next(e for e in replies[5]["events"] if e["type"] == "slots")
    assert slots_event["slots"] and slots_event["timezone"] == "Nairobi"
    assert re.search(r"openings? on .*Which works better|Does that work", texts[5]), texts[5]

    # The visitor clicks the first offered time.
    await ws.send({"type": "pick_slot", "slot_id": slots_event["slots"][0]["id"]})
    events = await ws.events_until("done")
    booked = next(e for e in events if e["type"] == "booked")
    await ws.close()

    @database_sync_to_async
    def outcome():
        conv = Conversation.objects.select_related("lead").get(pk=ws.conversation_id)
        lead = conv.lead
        lead.refresh_from_db()
        visitor_lines = list(
            Message.objects.filter(conversation=conv, role="user")
            .order_by("created_at")
            .values_list("content", flat=True)
        )
        return conv, lead, list(DemoBooking.objects.filter(conversation=conv)), visitor_lines

    conv, lead, bookings, visitor_lines = await outcome()
    assert visitor_lines == SEED_LINES  # nothing added
    assert lead.role == "Head of Customer Support"  # never "Yes"
    assert lead.authority == "decision_maker"
    assert lead.budget == "10k-50k" and lead.timeline == "1-3mo"
    assert {"slow response times", "high costs"} <= set(lead.pain_points)
    assert "Zendesk" in lead.tech_stack
    assert lead.stage == "opportunity"
    assert len(bookings) == 1 and bookings[0].status == "confirmed"
    assert str(bookings[0].pk) == booked["booking_id"] and bookings[0].lead_id == lead.pk
    assert conv.conversion is True
