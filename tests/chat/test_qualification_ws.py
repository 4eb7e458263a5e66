"""Acceptance 1: the seed's 9.2 conversation and three differently worded ones, over the
WebSocket against the local provider, end with the lead saved (role, company, budget,
timeline, pain points), its stage and score updated, and a demo booked after confirmation.

The visitor only types; the assistant decides what to ask. Each script is the visitor's side
of the dialogue, answering whatever the assistant asked — the test checks the assistant's
questions along the way so a wrong turn fails here, not silently."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async

from chat.models import Conversation, DemoBooking, Message
from tests.chat.conftest import in_own_loop

pytestmark = pytest.mark.django_db(transaction=True)

CONSENT = ("consent",)
CONFIRM = ("confirm",)


async def run(chat_socket, script):
    """Play the visitor's lines; ``expect`` regexes are checked against each reply."""
    ws = chat_socket()
    await ws.connect()
    transcript = []
    last = None
    for step in script:
        if step == CONSENT:
            await ws.send({"type": "consent", "granted": True})
            events = await ws.events_until("done")
            assert events[0]["type"] == "consent"
            continue
        if step == CONFIRM:
            assert last and last["confirm"], f"nothing to confirm after: {transcript[-1]}"
            await ws.send(
                {"type": "confirm", "action_id": last["confirm"]["action_id"], "accept": True}
            )
            events = await ws.events_until("done")
            assert any(e["type"] == "booked" for e in events), events
            continue
        text, expect = step
        last = await ws.say(text)
        transcript.append((text, last["text"]))
        assert last["done"]["type"] == "done", last["events"]
        if expect:
            assert re.search(expect, last["text"], re.I), (
                f"after {text!r} expected /{expect}/, got {last['text']!r}"
            )
    await ws.close()
    return ws.conversation_id, transcript


@database_sync_to_async
def outcome(conversation_id):
    conv = Conversation.objects.select_related("lead").get(pk=conversation_id)
    lead = conv.lead
    lead.refresh_from_db()
    bookings = list(DemoBooking.objects.filter(conversation=conv))
    agents = list(
        Message.objects.filter(conversation=conv, role="assistant", source="ai").values_list(
            "agent", "agent_reason"
        )
    )
    return conv, lead, bookings, agents


def check_lead(lead, bookings, *, role, company, budget, timeline, pains, authority=None):
    assert lead is not None
    assert lead.role == role
    assert lead.company == company
    assert lead.budget == budget
    assert lead.timeline == timeline
    for pain in pains:
        assert pain in lead.pain_points
    if authority:
        assert lead.authority == authority
    assert lead.stage == "opportunity"
    assert lead.scored_at is not None and lead.score > 0
    assert len(bookings) == 1 and bookings[0].status == "confirmed"
    assert bookings[0].lead_id == lead.pk


@in_own_loop
async def test_seed_9_2_conversation(chat_socket):
    cid, transcript = await run(
        chat_socket,
        [
            ("We're looking to implement chatbots", r"setup|tools"),
            ("We use Zendesk, have 5 support agents", r"challenge"),
            ("Response times and costs", r"\$15k.*50k"),
            ("That sounds about right", r"when|live"),
            ("Hopefully in the next couple months", r"role|business"),
            ("I'm the head of customer support", r"demo"),
            ("Yes, that would be great", r"email"),
            ("jane.wambui@acme-logistics.co.ke", r"consent"),
            CONSENT,
            ("Jane Wambui", r"company"),
            ("Acme Logistics", r"Thursday|Friday"),
            ("Thursday works", r"Shall I book Thursday"),
            CONFIRM,
        ],
    )
    conv, lead, bookings, agents = await outcome(cid)
    check_lead(
        lead, bookings, role="Head of Customer Support", company="Acme Logistics",
        budget="10k-50k", timeline="1-3mo", pains=["slow response times", "high costs"],
        authority="decision_maker",
    )  # fmt: skip
    assert lead.email == "jane.wambui@acme-logistics.co.ke" and lead.name == "Jane Wambui"
    assert "Zendesk" in lead.tech_stack
    # Seed 9.2: researcher first, qualifier once pain points appear, scheduler for the demo.
    assert agents[0][0] == "researcher"
    assert agents[2][0] == "qualifier" and agents[2][1]
    assert agents[-1][0] == "scheduler"
    assert all(reason for _, reason in agents)
    assert bookings[0].starts_at.weekday() == 3  # Thursday
    assert conv.conversion and conv.qualification_progress == 1.0


@in_own_loop
async def test_logistics_coo_different_wording(chat_socket):
    cid, _ = await run(
        chat_socket,
        [
            ("Hello! We'd like to automate how we answer customer emails", r"setup|tools"),
            ("We run Freshdesk with a team of 12 agents", r"challenge|slowing"),
            ("Honestly the backlog and slow replies", r"15k|50k"),
            ("We were thinking closer to $80k", r"when|date"),
            ("ideally within 6 weeks", r"role|business"),
            ("I'm the COO at Savanna Freight", r"demo"),
            ("Sure, show me", r"email"),
            CONSENT,
            ("wanjiru@savannafreight.co.ke", r"name"),
            ("Wanjiru Kamau", r"Thursday|Friday"),
            ("Friday please", r"Shall I book Friday"),
            CONFIRM,
        ],
    )
    _, lead, bookings, _ = await outcome(cid)
    check_lead(
        lead, bookings, role="COO", company="Savanna Freight", budget="50k-100k",
        timeline="1-3mo", pains=["high ticket volume", "slow response times"],
        authority="decision_maker",
    )  # fmt: skip
    assert bookings[0].starts_at.weekday() == 4


@in_own_loop
async def test_everything_in_one_message_then_demo(chat_socket):
    cid, _ = await run(
        chat_socket,
        [
            (
                "I'm the Head of IT at Baraka Bank. Our call centre has long wait times, we "
                "have a budget of about $40k and want something live next month.",
                r"demo|setup|tools",
            ),
            ("We use Salesforce and about 30 agents", r"demo"),
            ("yes please", r"email"),
            ("it's amina.hassan@barakabank.co.ke", r"consent"),
            ("Amina Hassan", r"consent|company|Thursday|Friday"),
            CONSENT,
            ("the first one", r"Shall I book"),
            CONFIRM,
        ],
    )
    _, lead, bookings, _ = await outcome(cid)
    check_lead(
        lead, bookings, role="Head of IT", company="Baraka Bank", budget="10k-50k",
        timeline="1-3mo", pains=["slow response times"], authority="decision_maker",
    )  # fmt: skip


@in_own_loop
async def test_influencer_small_budget_lowercase(chat_socket):
    cid, _ = await run(
        chat_socket,
        [
            ("hi there", None),
            ("we're exploring ai for our online shop's support on whatsapp and zendesk", None),
            ("customers complain we take hours to answer and refunds are all manual", r"15k"),
            ("that's more than we planned, maybe 8k", r"when|date"),
            ("probably in about 4 months", r"role|business"),
            ("customer experience manager, I'd need to convince my boss", r"demo"),
            ("ok let's do it", r"email"),
            ("my email is otieno@duka.africa", r"consent"),
            CONSENT,
            ("Otieno Ochieng", r"company"),
            ("Duka Africa", r"Thursday|Friday"),
            ("thursday 10am", r"Shall I book Thursday"),
            CONFIRM,
        ],
    )
    _, lead, bookings, _ = await outcome(cid)
    check_lead(
        lead, bookings, role="Customer Experience Manager", company="Duka Africa",
        budget="<10k", timeline="3-6mo",
        pains=["slow response times", "manual, repetitive work"], authority="influencer",
    )  # fmt: skip
    assert lead.industry == "retail & e-commerce"
