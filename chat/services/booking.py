"""Confirmations: only the visitor's button books a demo; then the lead becomes an
opportunity and gets a calendar invitation.

Only a browser verified for the address books directly (the conversation's own lead). A
demo asked for an address this browser merely *claimed* (an existing lead it is not
verified for) is *held*: the slot is kept for ``CHAT_DEMO_HOLD_HOURS``, the address's owner
gets a confirmation request with a one-time link (not the invitation), and nothing of the
lead changes until the owner confirms (``demo_hold_confirmed``): then the booking is
confirmed and the invitation goes out as for a direct booking. Holds are limited per
browser, per client IP and per address (``RATE_LIMITS["chat-demo-hold-*"]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat.models import Conversation, DemoBooking, Message
from chat.scheduling import ToolRefused, demo_book, demo_hold, demo_hold_confirm
from chat.services.conversations import _rescore
from chat.services.turn import enqueue_analysis
from core import ratelimit

CONFIRM_PATH = "/demo/confirm/"


def chat_confirm(
    *, conversation: Conversation, action_id: str, accept: bool, client_ip: str = ""
) -> Iterator[dict[str, Any]]:
    """The visitor pressed a confirmation button. Only then is a demo booked (or, for an
    address this browser has not verified, held); the action id is the idempotency key, so
    a double click books once. ``client_ip`` (raw) only keys the hold limits."""
    conversation.refresh_from_db()
    pending = (conversation.state or {}).get("pending")
    existing = DemoBooking.objects.filter(idempotency_key=str(action_id)).first()
    if existing is not None:
        kind = "held" if existing.status == DemoBooking.Status.HELD else "booked"
        yield {"type": kind, "booking_id": str(existing.pk), "label": _label(existing)}
        yield {"type": "done", "conversation_id": str(conversation.pk)}
        return
    if not pending or pending.get("action_id") != action_id:
        yield {"type": "error", "error": "Nothing to confirm.", "details": {}}
        return
    state = dict(conversation.state)
    if not accept:
        state.pop("pending", None)
        conversation.state = state
        conversation.save(update_fields=["state", "updated_at"])
        text = "No problem, nothing is booked. Would another time suit you better?"
        _template_message(conversation, text)
        yield {"type": "token", "text": text}
        yield {"type": "done", "conversation_id": str(conversation.pk)}
        return
    if conversation.lead_id is None and (conversation.state or {}).get("claimed_lead"):
        yield from _hold(conversation, pending, action_id, client_ip)
        return
    try:
        booking = demo_book(
            conversation=conversation,
            slot=pending["slot"],
            idempotency_key=action_id,
            reason=pending.get("reason", ""),
        )
    except ToolRefused as exc:
        yield from _refused(conversation, exc)
        return
    state.pop("pending", None)
    state["booked"] = str(booking.pk)
    conversation.state = state
    conversation.conversion = True
    conversation.next_action = f"Demo {timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}"
    conversation.save(update_fields=["state", "conversion", "next_action", "updated_at"])
    _after_booking(booking)
    email = (conversation.collected or {}).get("email", "")
    text = (
        f"Booked: {_label(booking)} (Nairobi time). "
        + (f"A calendar invitation is on its way to {email}. " if email else "")
        + "Looking forward to it!"
    )
    _template_message(conversation, text, tool={"name": "book_demo", "status": "executed"})
    yield {"type": "tool", "name": "book_demo", "status": "executed"}
    yield {"type": "booked", "booking_id": str(booking.pk), "label": _label(booking)}
    yield {"type": "token", "text": text}
    yield {"type": "done", "conversation_id": str(conversation.pk)}
    enqueue_analysis(conversation)


def _refused(
    conversation: Conversation, exc: ToolRefused, retry_after: int = 0
) -> Iterator[dict[str, Any]]:
    state = dict(conversation.state or {})
    state.pop("pending", None)
    if not retry_after:
        state["offered_slots"] = []
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    text = f"Sorry, {exc}." + ("" if retry_after else " Shall I look for another time?")
    _template_message(conversation, text, tool={"name": "book_demo", "status": "refused"})
    event = {"type": "tool", "name": "book_demo", "status": "refused", "error": str(exc)}
    if retry_after:
        event["retry_after"] = retry_after
    yield event
    yield {"type": "token", "text": text}
    yield {"type": "done", "conversation_id": str(conversation.pk)}


def _hold_limits(conversation: Conversation, email: str, client_ip: str) -> int:
    """Count one hold against the browser, client IP and address limits (in that order,
    stopping at the first that is used up); seconds to wait, 0 when all allow it."""
    import hashlib

    keys = (
        ("chat-demo-hold-browser", str(conversation.visitor_id or conversation.pk)),
        ("chat-demo-hold-ip", client_ip or "unknown"),
        ("chat-demo-hold-address", hashlib.sha256(email.encode()).hexdigest()),
    )
    for scope, key in keys:
        decision = ratelimit.check(scope, key)
        if not decision.allowed:
            return decision.retry_after
    return 0


def _hold(
    conversation: Conversation, pending: dict, action_id: str, client_ip: str
) -> Iterator[dict[str, Any]]:
    """Hold the slot for the claimed address and ask its owner to confirm (module doc)."""
    from leads.facade import Lead

    state = dict(conversation.state or {})
    lead = Lead.objects.filter(
        pk=state["claimed_lead"], deleted_at__isnull=True, erased_at__isnull=True
    ).first()
    email = (conversation.collected or {}).get("email", "")
    slot = pending["slot"]
    reachable = lead is not None and not (lead.preferences or {}).get("do_not_contact")
    if (
        reachable
        and DemoBooking.objects.filter(
            lead=lead, status=DemoBooking.Status.HELD, expires_at__gt=timezone.now()
        ).exists()
    ):
        exc = ToolRefused("a confirmation for this address is already waiting in its inbox")
        yield from _refused(conversation, exc)
        return
    wait = _hold_limits(conversation, email.lower(), client_ip)
    if wait:
        minutes = max(1, round(wait / 60))
        exc = ToolRefused(f"too many demo requests from here; please try again in {minutes} min")
        yield from _refused(conversation, exc, retry_after=wait)
        return
    expires = timezone.now() + dt.timedelta(hours=float(settings.CHAT_DEMO_HOLD_HOURS))
    booking = None
    if reachable:
        try:
            with transaction.atomic():
                booking, token = demo_hold(
                    conversation=conversation,
                    lead_id=lead.pk,
                    slot=slot,
                    idempotency_key=action_id,
                    reason=pending.get("reason", ""),
                )
                if token:
                    _send_hold_request(booking, token)
        except ToolRefused as exc:
            yield from _refused(conversation, exc)
            return
        expires = booking.expires_at
    # An address that asked not to be contacted, or was deleted, gets no email and no
    # hold, and this browser is told the same as for any other address it has not proven.
    state.pop("pending", None)
    state["held"] = str(booking.pk) if booking else ""
    conversation.state = state
    conversation.next_action = "Demo held: awaiting the address owner's confirmation"
    conversation.save(update_fields=["state", "next_action", "updated_at"])
    hours = float(settings.CHAT_DEMO_HOLD_HOURS)
    label = slot.get("label") or (_label(booking) if booking else "")
    text = (
        f"I've held {label} for you. To confirm it, open the link we've just emailed to "
        f"{email}: the demo is booked once it's confirmed from that inbox. The hold lapses "
        f"in {hours:g} hour{'s' if hours != 1 else ''}."
    )
    _template_message(conversation, text, tool={"name": "book_demo", "status": "held"})
    yield {"type": "tool", "name": "book_demo", "status": "held"}
    yield {
        "type": "held",
        "booking_id": str(booking.pk) if booking else "",
        "label": label,
        "expires_at": expires.isoformat(),
    }
    yield {"type": "token", "text": text}
    yield {"type": "done", "conversation_id": str(conversation.pk)}


def _send_hold_request(booking: DemoBooking, token: str) -> None:
    """The confirmation request to the address's owner (queued; its stored copy keeps no
    usable link: ``mail.redaction``)."""
    from mail.facade import queue_template_email

    lead = booking.lead
    hours = float(settings.CHAT_DEMO_HOLD_HOURS)
    queue_template_email(
        to=lead.email,
        template="demo_hold_confirm",
        context={
            "confirm_url": f"{settings.SITE_URL}{CONFIRM_PATH}{token}",
            "label": _label(booking),
            "hours": f"{hours:g}",
        },
        lead_id=lead.pk,
        category="transactional",
        track=False,
    )


def demo_hold_confirmed(*, token: str) -> DemoBooking | None:
    """The address's owner confirmed a held demo from the emailed link: the booking is
    confirmed and, as for a direct booking, the lead becomes an opportunity and gets the
    invitation. None for an unknown, used or lapsed link."""
    with transaction.atomic():
        booking = demo_hold_confirm(token=token)
        if booking is None:
            return None
        conversation = booking.conversation
        if conversation is not None:
            state = {**(conversation.state or {}), "booked": str(booking.pk)}
            state.pop("held", None)
            conversation.state = state
            conversation.conversion = True
            conversation.next_action = (
                f"Demo {timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}"
            )
            conversation.save(update_fields=["state", "conversion", "next_action", "updated_at"])
        _after_booking(booking)
    return booking


def chat_pick_slot(
    *, conversation: Conversation, slot_id: str, client_ip: str = ""
) -> Iterator[dict[str, Any]]:
    """The visitor clicked one of the times offered in this conversation: the click is the
    confirmation, so the demo is booked at once (the slot id is part of the idempotency key,
    so a double click books once)."""
    conversation.refresh_from_db()
    offered = {s["id"]: s for s in (conversation.state or {}).get("offered_slots") or []}
    if slot_id not in offered:
        yield {"type": "error", "error": "That time was not offered.", "details": {
            "slot_id": ["Pick one of the offered times."]}}  # fmt: skip
        return
    if not conversation.contact_saved:
        text = "What's the best email to send the demo invitation to?"
        _template_message(conversation, text)
        yield {"type": "token", "text": text}
        yield {"type": "done", "conversation_id": str(conversation.pk)}
        return
    state = dict(conversation.state)
    state["pending"] = {"action_id": f"pick:{conversation.pk}:{slot_id}", "tool": "book_demo",
                        "slot": offered[slot_id], "reason": "picked in the widget"}  # fmt: skip
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    yield from chat_confirm(
        conversation=conversation,
        action_id=state["pending"]["action_id"],
        accept=True,
        client_ip=client_ip,
    )


def _label(booking: DemoBooking) -> str:
    local = timezone.localtime(booking.starts_at)
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def _template_message(conversation: Conversation, text: str, tool: dict | None = None) -> None:
    Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=text,
        source=Message.Source.TEMPLATE,
        agent="scheduler",
        agent_reason="visitor confirmation",
        tool_calls=[tool] if tool else [],
    )


def _after_booking(booking: DemoBooking) -> None:
    """Lead becomes an opportunity, assigned to the demo's salesperson, rescored; the
    visitor gets a calendar invitation. Only for a confirmed booking: a verified browser's,
    or a hold its address's owner confirmed."""
    lead = booking.lead
    if lead is None or booking.status != DemoBooking.Status.CONFIRMED:
        return
    from leads.facade import Lead, lead_assign, lead_change_stage

    if Lead.stage_rank(lead.stage) < Lead.stage_rank(Lead.Stage.OPPORTUNITY):
        lead = lead_change_stage(lead=lead, stage=Lead.Stage.OPPORTUNITY, actor=None)
    if booking.sales_user_id and lead.assigned_to_id is None:
        lead_assign(lead=lead, user=booking.sales_user, actor=None)
    _rescore(lead.pk)
    _send_invite(booking.pk)  # queued in this transaction, delivered by the worker
    from integrations.facade import demo_booked

    demo_booked(booking_id=booking.pk, lead_id=lead.pk)  # HubSpot meeting, PostHog event


def _send_invite(booking_id: Any) -> None:
    from icalendar import Calendar, Event

    booking = DemoBooking.objects.select_related("lead", "sales_user").get(pk=booking_id)
    if booking.lead is None:
        return
    cal = Calendar()
    cal.add("prodid", "-//EmenTech Engage//chat//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    ev = Event()
    ev.add("uid", f"{booking.pk}@ementech")
    ev.add("summary", "EmenTech demo")
    ev.add("dtstart", booking.starts_at)
    ev.add("dtend", booking.ends_at)
    ev.add("dtstamp", timezone.now())
    cal.add_component(ev)
    from mail.facade import queue_email

    queue_email(
        to=booking.lead.email,
        subject="Your EmenTech demo",
        text=f"Your demo is booked for {_label(booking)} (Nairobi time). See you then!",
        kind="demo_invite",
        lead_id=booking.lead_id,
        attachments=[("demo.ics", cal.to_ical(), "text/calendar")],
    )
