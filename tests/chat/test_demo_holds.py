"""Issue 13, acceptance 2: a demo asked through the chat for an address this browser has
not verified is *held*, not booked.

A stranger's conversation that gives an existing lead's address and picks a slot leaves
the lead unchanged (every field, stage, owner), emails the address a confirmation request
(not the invitation; the stored copy keeps no usable token), and the slot is free again
once the hold lapses (frozen time). Holds stop at their limits per browser, per IP and per
address. The address's owner opening the link (and pressing its button) confirms the demo
and gets the invitation.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.core import mail
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.utils import timezone

from chat import services
from chat.models import DemoBooking, Message
from chat.scheduling import demo_book, demo_holds_expire, demo_slots_open
from leads.models import Lead
from mail.models import OutboundEmail
from mail.redaction import MARKER
from tests.chat.conftest import ChatSocket, in_own_loop
from tests.factories import make_lead, make_visitor, staff_user, visitor_cookie

CONFIRM = re.compile(r"https?://[^/\s\"']+(/demo/confirm/([A-Za-z0-9_\-]+))")
# A Monday morning, UTC: the coming Thursday and Friday demo slots are days away, and the
# hourly and daily limit windows do not roll over during a test.
MONDAY = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
EVERY_DAY = {"weekdays": [0, 1, 2, 3, 4, 5, 6], "hours": [10, 14], "minutes": 30,
             "days_ahead": 14}  # fmt: skip


def _victim() -> Lead:
    lead = make_lead(
        "victim@acme.example",
        name="Vera Victim",
        company="Acme Ltd",
        role="CFO",
        phone="+254 712 345 678",
    )
    owner = staff_user("Sales", username="vera-owner")
    Lead.objects.filter(pk=lead.pk).update(stage=Lead.Stage.QUALIFIED, assigned_to=owner)
    lead.refresh_from_db()
    return lead


def _snapshot(lead: Lead) -> dict:
    lead = Lead.all_objects.get(pk=lead.pk)
    return {**model_to_dict(lead), "updated_at": lead.updated_at}


def _confirm_links() -> list[tuple[str, str]]:
    """The distinct (path, token) confirmation links in the emails delivered."""
    found: list[tuple[str, str]] = []
    for message in mail.outbox:
        parts = [message.body, *(c for c, _ in getattr(message, "alternatives", []))]
        for part in parts:
            found += [f for f in CONFIRM.findall(str(part)) if f not in found]
    return found


@pytest.mark.django_db(transaction=True)
@in_own_loop
async def test_stranger_booking_with_someone_elses_address_is_held_and_lapses():
    with time_machine.travel(MONDAY, tick=True):
        await _stranger_books_for_the_victim()


async def _stranger_books_for_the_victim() -> None:
    victim = await database_sync_to_async(_victim)()
    before = await database_sync_to_async(_snapshot)(victim)
    stranger = await database_sync_to_async(make_visitor)()
    ws = ChatSocket(cookie=f"em_vid={visitor_cookie(stranger)}")
    await ws.connect(timezone="Africa/Nairobi")
    await ws.send({"type": "consent", "granted": True})
    await ws.events_until("done")
    turn = await ws.say("I'd like to book a demo please. My email is victim@acme.example")
    slots = next(e for e in turn["events"] if e["type"] == "slots")["slots"]
    await ws.say("I'm Mallory, from Evil Corp, a decision maker")
    await ws.send({"type": "pick_slot", "slot_id": slots[0]["id"]})
    events = await ws.events_until("done")
    await ws.close()
    assert not any(e["type"] == "booked" for e in events), events
    held = next(e for e in events if e["type"] == "held")
    text = "".join(e["text"] for e in events if e["type"] == "token")
    assert "victim@acme.example" in text and "confirm" in text.lower()

    @database_sync_to_async
    def outcome():
        booking = DemoBooking.objects.get(pk=held["booking_id"])
        emails = list(OutboundEmail.objects.filter(to_email="victim@acme.example"))
        return booking, emails, _snapshot(victim)

    booking, emails, after = await outcome()
    # The victim's lead is untouched: every field, the stage and the owner.
    assert after == before
    assert booking.status == "held" and booking.lead_id == victim.pk
    assert booking.slot_key == slots[0]["id"]
    lapse = booking.expires_at - timezone.now()
    assert dt.timedelta(hours=1, minutes=55) < lapse <= dt.timedelta(hours=2)
    # A confirmation request went to the address, not the invitation; its stored copy has
    # no usable token (only the hash is kept), the one delivered has it.
    templates = {e.template for e in emails}
    assert "demo_hold_confirm" in templates and "demo_invite" not in templates
    assert not any(m.attachments for m in mail.outbox)  # no calendar invitation anywhere
    (request,) = [e for e in emails if e.template == "demo_hold_confirm"]
    links = _confirm_links()
    assert len(links) == 1
    path, token = links[0]
    assert request.status == "sent"
    for stored in (request.body_text, request.body_html, str(request.headers)):
        assert token not in stored
    assert "/demo/confirm/" + MARKER in request.body_text
    assert token not in booking.confirm_token_hash and len(booking.confirm_token_hash) == 64

    # While held, nobody else is offered the slot.
    offered = await database_sync_to_async(demo_slots_open)(limit=10)
    assert slots[0]["id"] not in {s["id"] for s in offered}

    # Two hours later, unconfirmed, the hold has lapsed: the slot is offered and bookable
    # again, and the link is dead.
    @database_sync_to_async
    def later():
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2, minutes=1)):
            free = {s["id"] for s in demo_slots_open(limit=10)}
            dead = Client().get(path).status_code
            swept = demo_holds_expire()
            other = services.conversation_open()
            Message.objects.create(conversation=other, role="user", content="me@other.example")
            services.conversation_set_consent(conversation=other)
            services.conversation_store_profile(
                conversation=other, values={"email": "me@other.example"}
            )
            other.refresh_from_db()
            rebooked = demo_book(conversation=other, slot=slots[0], idempotency_key="again-1")
        booking.refresh_from_db()
        return free, dead, swept, rebooked, booking

    free, dead, swept, rebooked, lapsed = await later()
    assert slots[0]["id"] in free
    assert dead == 404
    assert swept == 1 and lapsed.status == "expired" and lapsed.confirm_token_hash == ""
    assert rebooked.status == "confirmed" and rebooked.slot_key == slots[0]["id"]
    assert await database_sync_to_async(_snapshot)(victim) == before


def _held_for(email: str, *, visitor=None, client_ip: str = "203.0.113.9"):
    """A stranger's conversation that claimed ``email`` and confirmed an offered slot;
    returns (conversation, events)."""
    conv = services.conversation_open(visitor_id=visitor.pk if visitor else None)
    Message.objects.create(conversation=conv, role="user", content=f"I'm {email}")
    services.conversation_set_consent(conversation=conv)
    services.conversation_store_profile(conversation=conv, values={"email": email})
    conv.refresh_from_db()
    assert conv.lead_id is None and conv.state.get("claimed_lead")
    slot = demo_slots_open(limit=1)[0]  # the first free one (a live hold is not offered)
    pending = {"action_id": f"a-{conv.pk}", "tool": "book_demo", "slot": slot}
    conv.state = {**conv.state, "offered_slots": [slot], "pending": pending}
    conv.save()
    events = list(
        services.chat_confirm(
            conversation=conv, action_id=f"a-{conv.pk}", accept=True, client_ip=client_ip
        )
    )
    return conv, events


@pytest.mark.django_db
def test_the_address_owner_confirms_from_the_link_and_gets_the_invitation(
    django_capture_on_commit_callbacks,
):
    victim = _victim()
    with django_capture_on_commit_callbacks(execute=True):
        conv, events = _held_for("victim@acme.example", visitor=make_visitor())
    booking = DemoBooking.objects.get(conversation=conv)
    assert booking.status == "held"
    ((path, token),) = _confirm_links()
    owner_browser = Client()
    # Opening the link shows the held time and one button: a mail scanner's prefetch
    # confirms nothing.
    page = owner_browser.get(path)
    assert page.status_code == 200 and b"Confirm the demo" in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    booking.refresh_from_db()
    assert booking.status == "held"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = owner_browser.post(path)
    assert done.status_code == 200 and b"Your demo is booked" in done.content
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.confirmed_at is not None
    assert booking.confirm_token_hash == ""
    invites = [m for m in mail.outbox if m.subject == "Your EmenTech demo"]
    assert len(invites) == 1 and invites[0].to == ["victim@acme.example"]
    assert invites[0].attachments[0][0] == "demo.ics"
    victim.refresh_from_db()
    assert victim.stage == "opportunity"  # the owner's own confirmation
    assert victim.name == "Vera Victim" and victim.company == "Acme Ltd"  # no stranger's data
    # The link works once.
    assert owner_browser.post(path).status_code == 404
    assert owner_browser.get(path).status_code == 404


@pytest.mark.django_db
@override_settings(CHAT_DEMO_AVAILABILITY=EVERY_DAY)
@time_machine.travel(MONDAY, tick=True)
def test_a_hold_flood_stops_at_the_browser_ip_and_address_limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chat-demo-hold-browser": "3/h",
        "chat-demo-hold-ip": "5/h",
        "chat-demo-hold-address": "1/d",
    }
    for i in range(12):
        make_lead(f"target{i}@acme.example")

    def status(events: list[dict]) -> str:
        return next(e for e in events if e["type"] == "tool")["status"]

    browser = make_visitor()
    outcomes = []
    for i in range(4):  # one browser, four addresses
        _conv, events = _held_for(f"target{i}@acme.example", visitor=browser)
        outcomes.append(next(e for e in events if e["type"] == "tool"))
    assert [o["status"] for o in outcomes] == ["held", "held", "held", "refused"]
    assert 0 < outcomes[3]["retry_after"] <= 3600
    assert DemoBooking.objects.filter(status="held").count() == 3

    # New browsers (no cookie: each conversation its own) from the same IP: 5 an hour.
    results = [status(_held_for(f"target{i}@acme.example")[1]) for i in range(4, 8)]
    assert results == ["held", "held", "refused", "refused"]  # 3 were from this IP already
    assert DemoBooking.objects.filter(status="held").count() == 5
    # Another IP is not affected.
    assert status(_held_for("target8@acme.example", client_ip="198.51.100.7")[1]) == "held"

    # One address: one live hold at a time, and (here) one a day.
    assert status(_held_for("target8@acme.example", client_ip="192.0.2.1")[1]) == "refused"
    with time_machine.travel(MONDAY + dt.timedelta(hours=3), tick=True):
        assert demo_holds_expire() == 6
        assert status(_held_for("target8@acme.example", client_ip="192.0.2.2")[1]) == "refused"
        # Hours on, the browser's hourly window has passed: it may hold again.
        assert status(_held_for("target9@acme.example", visitor=browser)[1]) == "held"
    assert OutboundEmail.objects.filter(template="demo_hold_confirm").count() == 7
    assert not DemoBooking.objects.filter(status="confirmed").exists()


@pytest.mark.django_db
def test_the_chat_never_changes_an_existing_lead_from_an_unverified_browser():
    victim = _victim()
    before = _snapshot(victim)
    conv = services.conversation_open(visitor_id=make_visitor().pk)
    Message.objects.create(conversation=conv, role="user", content="victim@acme.example")
    services.conversation_set_consent(conversation=conv)
    result = services.conversation_store_profile(
        conversation=conv,
        values={"email": "victim@acme.example", "name": "Mallory", "company": "Evil Corp",
                "budget": "100k+", "phone": "+254 733 000 111"},
    )  # fmt: skip
    assert result["saved"] is True  # the same answer as for an unknown address
    services.conversation_store_profile(conversation=conv, values={"timeline": "immediate"})
    conv.refresh_from_db()
    assert conv.lead_id is None  # never linked to the victim's lead
    assert _snapshot(victim) == before
    # Kept for sales to accept, as from a form.
    assert victim.audits.filter(action="unverified_submission").exists()
