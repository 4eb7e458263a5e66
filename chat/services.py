"""Writes of the chat app: conversations, one turn of the assistant, tool effects,
confirmations, hand-off, staff replies, ratings and the per-turn analysis.

Both transports (the WebSocket consumer and the SSE views) call :func:`chat_turn`, a
generator of events: ``agent``, ``token``, ``reset``, ``tool``, ``confirm``, ``sources``,
``done`` (and ``error``). It stores the visitor's message, routes it to an agent, streams the
model's reply through the provider chain, runs the tools it asks for on the server, stores
the reply with its tool calls, tokens, latency and cost, and schedules the analysis.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chat import agents, knowledge
from chat.models import Conversation, DemoBooking, Message
from chat.tools import ALL_TOOLS, TOOLS_FOR_AGENT, ToolRefused, demo_book, tool_execute
from ementech.ai import llm_config, slots
from ementech.ai.providers.base import ChatRequest
from ementech.queue import enqueue

log = logging.getLogger(__name__)

STAFF_GROUP = "chat.staff"
MAX_ROUNDS = 4
KNOWLEDGE_INTENTS = {"explore", "question", "advice", "unknown"}
HISTORY_MESSAGES = 20
CONSENT_WORDING = (
    "I agree that EmenTech may store the contact details I give in this chat to follow up "
    "with me, as described in the privacy policy."
)
LEAD_FIELDS = {
    "email", "name", "company", "role", "authority", "budget", "timeline", "pain_points",
    "tech_stack", "industry", "company_size",
}  # fmt: skip
VALUE_OF_BUDGET = {"<10k": 5000, "10k-50k": 30000, "50k-100k": 75000, "100k+": 150000}


class ChatInputError(ValidationError):
    def __init__(self, details: dict[str, list[str]]):
        self.details = details
        super().__init__(details)


def _send_group(group: str, payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, payload)
    except Exception:  # noqa: BLE001 - real-time push is best effort
        log.exception("channel layer push failed")


def broadcast_on_commit(conversation: Conversation, event: dict) -> None:
    """Send ``event`` to every socket on the conversation (and the staff feed) after commit."""
    group = conversation.group_name
    payload = {"type": "chat.event", "event": event}
    staff = {"type": "chat.event", "event": {**event, "conversation_id": str(conversation.pk)}}

    def push() -> None:
        _send_group(group, payload)
        _send_group(STAFF_GROUP, staff)

    transaction.on_commit(push)


# --- conversations ----------------------------------------------------------------------------


def conversation_open(
    *,
    conversation_id: Any = None,
    visitor_id: Any = None,
    mode: str = Conversation.Mode.QUALIFY,
    page_url: str = "",
) -> Conversation:
    """The conversation with this id, or a new one for the visitor (history survives
    reconnects and page loads: the id is kept by the widget)."""
    if conversation_id:
        try:
            conv = Conversation.objects.filter(pk=conversation_id).first()
        except (ValueError, ValidationError):
            conv = None
        if conv is not None:
            return conv
    from leads.services import visitor_touch

    visitor = visitor_touch(visitor_id=visitor_id) if visitor_id else None
    if mode not in Conversation.Mode.values:
        mode = Conversation.Mode.QUALIFY
    return Conversation.objects.create(
        visitor=visitor,
        lead_id=visitor.lead_id if visitor else None,
        mode=mode,
        page_url=(page_url or "")[:500],
        session_id=str(visitor.pk) if visitor else "",
    )


def conversation_set_consent(
    *, conversation: Conversation, wording: str = "", page_url: str = "", ip: str = ""
) -> Conversation:
    """The visitor ticked the consent box: their details may now reach the lead record."""
    if conversation.consent_given_at is None:
        conversation.consent_given_at = timezone.now()
        conversation.consent_wording = (wording or CONSENT_WORDING)[:2000]
        if page_url:
            conversation.page_url = page_url[:500]
        conversation.save(
            update_fields=["consent_given_at", "consent_wording", "page_url", "updated_at"]
        )
    if conversation.collected.get("email") and conversation.lead_id is None:
        conversation_store_profile(conversation=conversation, values={}, ip=ip)
    return conversation


@transaction.atomic
def conversation_store_profile(
    *, conversation: Conversation, values: dict[str, Any], ip: str = ""
) -> dict[str, Any]:
    """Merge validated slot values into the conversation and, with consent and an email,
    into this conversation's own lead. Consent is never set here."""
    from leads.services import CaptureError, ConsentInput, lead_capture, lead_update

    collected = dict(conversation.collected or {})
    accepted: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, list):
            merged = list(collected.get(key) or [])
            for item in value:
                if item.lower() not in {m.lower() for m in merged}:
                    merged.append(item)
            if merged != collected.get(key):
                collected[key] = merged
                accepted[key] = value
        elif value != collected.get(key):
            collected[key] = value
            accepted[key] = value
    conversation.collected = collected
    conversation.qualification_progress = slots.qualification_progress(collected)
    conversation.save(update_fields=["collected", "qualification_progress", "updated_at"])
    result: dict[str, Any] = {"accepted": accepted, "saved": False, "held": None}
    if not collected.get("email"):
        result["held"] = "email"
        return result
    if not conversation.consent_given:
        result["held"] = "consent"
        return result
    profile = {k: v for k, v in collected.items() if k in LEAD_FIELDS and k != "email"}
    try:
        if conversation.lead_id is None:
            capture = lead_capture(
                email=collected["email"],
                consent=ConsentInput(
                    data_processing=True,
                    method="chat",
                    wording=conversation.consent_wording or CONSENT_WORDING,
                    page_url=conversation.page_url,
                ),
                source="chat",
                visitor=conversation.visitor,
                profile=profile,
                ip=ip,
            )
            conversation.lead = capture.lead
            conversation.save(update_fields=["lead", "updated_at"])
        else:
            changed = {k: v for k, v in accepted.items() if k in profile}
            if changed:
                lead_update(lead=conversation.lead, data=changed, actor=None)
    except CaptureError as exc:
        result["error"] = exc.details
        return result
    result["saved"] = True
    _rescore(conversation.lead_id)
    return result


def _rescore(lead_id: Any) -> None:
    """Ask the scoring engine to rescore the lead (debounced, after commit)."""
    if not lead_id:
        return
    try:
        from scoring.services import lead_rescore_soon
    except ImportError:  # pragma: no cover - scoring app not installed
        return
    lead_rescore_soon(lead_id=lead_id, reason="chat")


def conversation_escalate(*, conversation: Conversation, reason: str) -> Conversation:
    """Hand the conversation to a person: status escalated, the bot stays silent, Sales
    see it in the live feed and answer from the admin."""
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.ESCALATED,
        assigned_type="human",
        escalation_reason=reason[:300],
        next_action="Sales to reply in the chat",
        updated_at=timezone.now(),
    )
    conversation.refresh_from_db()
    if conversation.lead_id:
        from leads.services import notify_sales

        notify_sales(
            lead=conversation.lead,
            kind="chat_handoff",
            message=f"Chat hand-off: {reason[:120]}",
            data={"conversation_id": str(conversation.pk)},
        )
    broadcast_on_commit(conversation, {"type": "handoff", "status": "escalated"})
    return conversation


def staff_reply(*, conversation: Conversation, user, text: str) -> Message:
    """A Sales user's message in an escalated conversation; it reaches the visitor's socket."""
    text = (text or "").strip()
    if not text:
        raise ChatInputError({"content": ["Write a message."]})
    with transaction.atomic():
        msg = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            content=text[: settings.CHAT_MAX_MESSAGE_CHARS],
            source=Message.Source.HUMAN,
            agent="human",
            author=user,
        )
        fields = ["updated_at"]
        if conversation.assigned_to_id is None:
            conversation.assigned_to = user
            fields.append("assigned_to")
        if conversation.status != Conversation.Status.ESCALATED:
            conversation.status = Conversation.Status.ESCALATED
            conversation.assigned_type = "human"
            fields += ["status", "assigned_type"]
        conversation.save(update_fields=fields)
        broadcast_on_commit(conversation, {"type": "message", "message": message_public(msg)})
    return msg


def conversation_rate(*, conversation: Conversation, rating: int) -> Conversation:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ChatInputError({"rating": ["Give a rating from 1 to 5."]})
    conversation.satisfaction = rating
    conversation.save(update_fields=["satisfaction", "updated_at"])
    return conversation


def message_public(msg: Message) -> dict[str, Any]:
    """What a visitor's widget sees of a message (no internal reasons, ids or costs)."""
    return {
        "id": str(msg.pk),
        "role": msg.role,
        "content": msg.content,
        "source": msg.source,
        "sources": msg.sources,
        "created_at": msg.created_at.isoformat(),
    }


# --- one turn ----------------------------------------------------------------------------------


def validate_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ChatInputError({"message": ["Write a message."]})
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ChatInputError(
            {"message": [f"At most {settings.CHAT_MAX_MESSAGE_CHARS} characters."]}
        )
    return text.strip()


def _history(conversation: Conversation, exclude_id: Any) -> list[dict[str, Any]]:
    rows = list(
        conversation.messages.exclude(pk=exclude_id)
        .filter(role__in=["user", "assistant"])
        .order_by("-created_at")
        .values_list("role", "content")[:HISTORY_MESSAGES]
    )
    return [{"role": r, "content": c} for r, c in reversed(rows)]


def chat_resume(*, conversation: Conversation, ip: str = "", chain=None) -> Iterator[dict]:
    """Carry on after the visitor ticked the consent box mid-booking (no new message)."""
    conversation.refresh_from_db()
    state = conversation.state or {}
    complete = all((conversation.collected or {}).get(k) for k in slots.CONTACT_ORDER)
    if (
        conversation.status == Conversation.Status.ESCALATED
        or not state.get("demo_accepted")
        or not complete
        or state.get("offered_slots")
    ):
        return iter([{"type": "done", "conversation_id": str(conversation.pk), "idle": True}])
    return chat_turn(conversation=conversation, text="", ip=ip, chain=chain, resume=True)


def chat_turn(
    *, conversation: Conversation, text: str, ip: str = "", chain=None, resume: bool = False
) -> Iterator[dict[str, Any]]:
    """Answer one visitor message; yields transport-neutral events (see module doc)."""
    started = time.perf_counter()
    if resume:
        user_msg = None
        rt = agents.Route("scheduler", "consent given: continue the booking", "consent", 1.0)
    else:
        text = validate_text(text)
        conversation.refresh_from_db()
        if conversation.status == Conversation.Status.ESCALATED:
            # A person has this conversation: pass the message on and stay silent.
            user_msg = Message.objects.create(conversation=conversation, role="user", content=text)
            broadcast_on_commit(
                conversation, {"type": "message", "message": message_public(user_msg)}
            )
            yield {"type": "done", "conversation_id": str(conversation.pk), "handoff": True}
            return
        rt = agents.route(conversation, text)
        user_msg = Message.objects.create(
            conversation=conversation, role="user", content=text, intent=rt.intent,
            confidence=rt.confidence,
        )  # fmt: skip
    state = dict(conversation.state or {})
    if rt.agent == "scheduler":
        state["demo_accepted"] = True
    elif state.get("demo_offered") and rt.intent == "deny":
        state["demo_declined"] = True
    state["turns"] = int(state.get("turns", 0)) + 1
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    yield {"type": "agent", "agent": rt.agent}

    wants_knowledge = rt.agent in ("researcher", "consultant") or rt.intent in KNOWLEDGE_INTENTS
    sources = knowledge.sources_for(text) if wants_knowledge else []
    allowed = TOOLS_FOR_AGENT[rt.agent]
    messages = _history(conversation, user_msg.pk if user_msg else None)
    if user_msg is not None:
        messages.append({"role": "user", "content": text})
    tool_records: list[dict] = []
    text_parts: list[str] = []
    totals = {"in": 0, "out": 0, "cost": 0.0}
    first_token_ms: int | None = None
    provider = model = ""
    meta: dict[str, Any] = {}
    handoff = False
    visitor_key = str(conversation.visitor_id or conversation.pk)
    task = "rag_generation" if conversation.mode == Conversation.Mode.RAG else "qualification"

    for round_no in range(MAX_ROUNDS):
        if round_no:  # tools may have changed the conversation
            conversation.refresh_from_db()
        ctx = agents.build_context(
            conversation, agent=rt.agent, intent=rt.intent, query=text, sources=sources,
            tools=allowed,
        )  # fmt: skip
        request = ChatRequest(
            model="",
            system=agents.system_prompt(ctx),
            messages=messages,
            tools=[ALL_TOOLS[n] for n in allowed],
            task=task,
            context=ctx,
            timeout=settings.LLM_TIMEOUT,
        )
        outcome = None
        round_text: list[str] = []
        for item in llm_config.run_stream(request, visitor_key=visitor_key, chain=chain):
            if isinstance(item, llm_config.Outcome):
                outcome = item
            elif item.type == "token":
                if first_token_ms is None:
                    first_token_ms = int((time.perf_counter() - started) * 1000)
                round_text.append(item.text)
                yield {"type": "token", "text": item.text}
            elif item.type == "reset":
                round_text = []
                yield {"type": "reset"}
        result = outcome.result
        totals["in"] += result.usage.input_tokens
        totals["out"] += result.usage.output_tokens
        totals["cost"] += result.cost
        provider, model = result.provider, result.model
        meta.update(result.meta or {})
        if round_text:
            text_parts.append("".join(round_text))
        if outcome.failed or outcome.budget_refused or not result.tool_calls:
            break
        messages.append(
            {"role": "assistant", "content": result.text, "tool_calls": result.tool_calls}
        )
        for call in result.tool_calls:
            out = tool_execute(conversation=conversation, call=call, allowed=allowed, ip=ip)
            tool_records.append(out.as_record())
            event = {"type": "tool", "name": call.name, "status": out.status}
            if out.error:
                event["error"] = out.error
            yield event
            if out.status == "pending":
                yield {
                    "type": "confirm",
                    "action_id": out.result["action_id"],
                    "label": out.result["label"],
                    "prompt": f"Book {out.result['label']}?",
                }
            if call.name == "connect_human" and out.status == "executed":
                handoff = True
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": call.id,
                    "name": call.name,
                    "content": json.dumps(out.for_model(), default=str),
                }
            )

    reply = "".join(text_parts).strip()
    if not reply:
        reply = llm_config.fallback_message(task)
        yield {"type": "token", "text": reply}
    cited = meta.get("cited") or _cited_numbers(reply)
    public = knowledge.public_sources(sources, cited) if cited else []
    latency = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        bot = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            content=reply,
            agent=rt.agent,
            agent_reason=rt.reason[:300],
            intent=rt.intent,
            tool_calls=tool_records,
            sources=public,
            provider=provider[:20],
            model=(model or "")[:80],
            tokens_in=totals["in"],
            tokens_out=totals["out"],
            cost_usd=Decimal(str(round(totals["cost"], 6))),
            latency_ms=latency,
            first_token_ms=first_token_ms,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            tokens_in=F("tokens_in") + totals["in"],
            tokens_out=F("tokens_out") + totals["out"],
            cost_usd=F("cost_usd") + Decimal(str(round(totals["cost"], 6))),
        )
        _state_after_turn(conversation, meta)
    if public:
        yield {"type": "sources", "sources": public}
    yield {
        "type": "done",
        "conversation_id": str(conversation.pk),
        "message_id": str(bot.pk),
        "agent": rt.agent,
        "handoff": handoff,
    }
    enqueue_analysis(conversation)


def _cited_numbers(text: str) -> list[int]:
    import re

    return sorted({int(n) for n in re.findall(r"\[Source (\d+)\]", text)})


def _state_after_turn(conversation: Conversation, meta: dict[str, Any]) -> None:
    conversation.refresh_from_db()
    state = dict(conversation.state or {})
    asked = dict(state.get("asked") or {})
    slot = meta.get("asked_slot")
    state["last_asked"] = slot
    if slot:
        asked[slot] = asked.get(slot, 0) + 1
    state["asked"] = asked
    if meta.get("proposed_budget"):
        state["proposed_budget"] = meta["proposed_budget"]
    if meta.get("demo_offered"):
        state["demo_offered"] = True
    if "offered_slots" in meta:
        state["offered_slots"] = meta["offered_slots"]
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])


def enqueue_analysis(conversation: Conversation) -> None:
    from chat import tasks

    enqueue(tasks.analyse_conversation, str(conversation.pk))


# --- confirmations ---------------------------------------------------------------------------


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
    booking_id = booking.pk
    transaction.on_commit(lambda: _send_invite(booking_id))


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
    mail.send(fail_silently=True)


# --- resources -----------------------------------------------------------------------------


def resource_send(*, conversation: Conversation, resource_id: str) -> dict[str, Any]:
    """Email a link to one of our live pages to this conversation's own lead."""
    from wagtail.models import Page

    if not str(resource_id).isdigit():
        raise ToolRefused("unknown resource")
    page = Page.objects.live().public().filter(pk=int(resource_id)).specific().first()
    if page is None:
        raise ToolRefused("unknown resource")
    url = f"{settings.SITE_URL}{page.url or ''}"
    EmailMessage(
        subject=f"{page.title} from EmenTech",
        body=f"Here is the resource you asked for in our chat:\n\n{page.title}\n{url}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[conversation.lead.email],
    ).send(fail_silently=True)
    return {"sent": True, "title": page.title, "url": url}


# --- analysis (Celery) -----------------------------------------------------------------------

POSITIVE = {"great", "good", "thanks", "thank", "perfect", "love", "helpful", "awesome", "nice"}
NEGATIVE = {"bad", "terrible", "angry", "frustrated", "useless", "annoyed", "hate", "worst"}


def conversation_analyse(*, conversation_id: Any) -> Conversation | None:
    """Primary intent, intents, sentiment, urgency, qualification progress and estimated
    value, from the stored messages and slots (idempotent)."""
    conv = Conversation.objects.filter(pk=conversation_id).first()
    if conv is None:
        return None
    user_msgs = list(conv.messages.filter(role="user").values_list("intent", "content"))
    counts: dict[str, int] = {}
    for intent, _ in user_msgs:
        if intent and intent not in ("affirm", "deny", "unknown", "greeting", "thanks"):
            counts[intent] = counts.get(intent, 0) + 1
    words = " ".join(c.lower() for _, c in user_msgs).split()
    pos = sum(w.strip(".,!?") in POSITIVE for w in words)
    neg = sum(w.strip(".,!?") in NEGATIVE for w in words)
    collected = conv.collected or {}
    timeline = collected.get("timeline")
    conv.primary_intent = max(counts, key=counts.get) if counts else ""
    conv.intents = sorted(counts)
    conv.sentiment = "positive" if pos > neg else "negative" if neg > pos else "neutral"
    conv.urgency = (
        "high"
        if timeline in ("immediate", "1-3mo")
        else "medium"
        if timeline == "3-6mo"
        else "low"
        if timeline
        else ""
    )
    conv.qualification_progress = slots.qualification_progress(collected)
    value = VALUE_OF_BUDGET.get(collected.get("budget", ""))
    conv.estimated_value = Decimal(value) if value else None
    conv.analysed_at = timezone.now()
    conv.save(
        update_fields=[
            "primary_intent",
            "intents",
            "sentiment",
            "urgency",
            "qualification_progress",
            "estimated_value",
            "analysed_at",
            "updated_at",
        ]  # fmt: skip
    )
    return conv
