"""Confirmations: only the visitor's button books a demo; then the lead becomes an
opportunity and gets a calendar invitation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from chat.models import Conversation, DemoBooking, Message
from chat.scheduling import ToolRefused, demo_book
from chat.services.conversations import _rescore
from chat.services.turn import enqueue_analysis


def chat_confirm(
    *, conversation: Conversation, action_id: str, accept: bool
) -> Iterator[dict[str, Any]]:
    """The visitor pressed a confirmation button. Only then is a demo booked; the action id
    is the idempotency key, so a double click books once."""
    conversation.refresh_from_db()
    pending = (conversation.state or {}).get("pending")
    existing = DemoBooking.objects.filter(idempotency_key=str(action_id)).first()
    if existing is not None:
        yield {"type": "booked", "booking_id": str(existing.pk), "label": _label(existing)}
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
    try:
        booking = demo_book(
            conversation=conversation,
            slot=pending["slot"],
            idempotency_key=action_id,
            reason=pending.get("reason", ""),
        )
    except ToolRefused as exc:
        state.pop("pending", None)
        state["offered_slots"] = []
        conversation.state = state
        conversation.save(update_fields=["state", "updated_at"])
        text = f"Sorry, {exc}. Shall I look for another time?"
        _template_message(conversation, text, tool={"name": "book_demo", "status": "refused"})
        yield {"type": "tool", "name": "book_demo", "status": "refused", "error": str(exc)}
        yield {"type": "token", "text": text}
        yield {"type": "done", "conversation_id": str(conversation.pk)}
        return
    state.pop("pending", None)
    state["booked"] = str(booking.pk)
    conversation.state = state
    conversation.conversion = True
    conversation.next_action = f"Demo {timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}"
    conversation.save(update_fields=["state", "conversion", "next_action", "updated_at"])
    _after_booking(conversation, booking)
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


def chat_pick_slot(*, conversation: Conversation, slot_id: str) -> Iterator[dict[str, Any]]:
    """The visitor clicked one of the times offered in this conversation: the click is the
    confirmation, so the demo is booked at once (the slot id is part of the idempotency key,
    so a double click books once)."""
    conversation.refresh_from_db()
    offered = {s["id"]: s for s in (conversation.state or {}).get("offered_slots") or []}
    if slot_id not in offered:
        yield {"type": "error", "error": "That time was not offered.", "details": {
            "slot_id": ["Pick one of the offered times."]}}  # fmt: skip
        return
    if not conversation.lead_id:
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
        conversation=conversation, action_id=state["pending"]["action_id"], accept=True
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


def _after_booking(conversation: Conversation, booking: DemoBooking) -> None:
    """Lead becomes an opportunity, assigned to the demo's salesperson, rescored; the
    visitor gets a calendar invitation."""
    lead = conversation.lead
    if lead is None:
        return
    from leads.models import Lead
    from leads.services import lead_assign, lead_change_stage

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
    mail = EmailMessage(
        subject="Your EmenTech demo",
        body=f"Your demo is booked for {_label(booking)} (Nairobi time). See you then!",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.lead.email],
    )
    mail.attach("demo.ics", cal.to_ical(), "text/calendar")
    from nurture.services import email_message_queue

    email_message_queue(message=mail, template="demo_invite", lead=booking.lead)
