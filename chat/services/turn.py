"""One turn of the assistant.

Both transports (the WebSocket consumer and the SSE views) call :func:`chat_turn`, a
generator of events: ``agent``, ``token``, ``reset``, ``tool``, ``confirm``, ``sources``,
``done`` (and ``error``). It stores the visitor's message, routes it to an agent, streams the
model's reply through the provider chain, runs the tools it asks for on the server, stores
the reply with its tool calls, tokens, latency and cost, and schedules the analysis.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from chat import agents, knowledge, limits, slots
from chat.meeting_time import meeting_request, slot_preference
from chat.models import Conversation, Message
from chat.questions import DEMO_RE, asks, question_part, states_need
from chat.services.conversations import (
    ChatInputError,
    broadcast_on_commit,
    handoff_resume_if_unanswered,
    message_public,
)
from chat.services.registration import chat_register_turn, registration_wanted
from chat.tools import ALL_TOOLS, TOOLS_FOR_AGENT, tool_execute
from core.queue import enqueue
from ementech.ai import llm_config
from ementech.ai.providers.base import ChatRequest

MAX_ROUNDS = 4
KNOWLEDGE_INTENTS = {"explore", "question", "advice", "unknown"}
NOT_BUYING_RE = re.compile(
    r"not (looking for|interested in) a demo|no demo|just research|not buying|"
    r"i'?ll (discuss|come back)|will come back|gathering info|i will be in touch|"
    # job seekers and students are helped, never qualified ("natafuta job ama attachment")
    r"\b(looking for|seeking|natafuta|nikitafuta|tafuta) (a |an )?(job|kazi|internship|"
    r"attachment)|\bare you hiring\b|\bmnaajiri\b|\bjob ?seeker\b|\bfresh grad(uate)?\b|"
    r"\bi'?m a student\b|\bmimi ni (mwanafunzi|student)\b",
    re.I,
)
HISTORY_MESSAGES = 20


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


def chat_resume(
    *, conversation: Conversation, ip: str = "", client_ip: str = "", chain=None
) -> Iterator[dict]:
    """Carry on after the visitor ticked the consent box mid-booking (no new message)."""
    conversation.refresh_from_db()
    state = conversation.state or {}
    if (state.get("registration") or {}).get("asked") == "consent":
        return chat_register_turn(conversation=conversation, text="", ip=ip)
    complete = all((conversation.collected or {}).get(k) for k in slots.CONTACT_ORDER)
    if (
        conversation.status == Conversation.Status.ESCALATED
        or not state.get("demo_accepted")
        or not complete
        or state.get("offered_slots")
    ):
        return iter([{"type": "done", "conversation_id": str(conversation.pk), "idle": True}])
    return chat_turn(
        conversation=conversation, text="", ip=ip, client_ip=client_ip, chain=chain, resume=True
    )


def _budget_spent(conversation: Conversation, client_ip: str) -> dict[str, Any] | None:
    """The error event when this browser's or address's daily model budget is spent."""
    wait = limits.llm_budget_wait(conversation=conversation, client_ip=client_ip)
    if not wait:
        return None
    return {
        "type": "error",
        "code": "budget",
        "error": "The assistant has answered all it can for you today; please try later.",
        "retry_after": wait,
        "details": {"message": [f"Try again in {wait} seconds."]},
    }


def chat_turn(
    *,
    conversation: Conversation,
    text: str,
    ip: str = "",
    client_ip: str = "",
    chain=None,
    resume: bool = False,
) -> Iterator[dict[str, Any]]:
    """Answer one visitor message; yields transport-neutral events (see module doc).
    ``client_ip`` (raw, never stored) keys the per-address model budget; a spent budget
    (this browser's or address's, across conversations) is an ``error`` event with
    ``retry_after`` and nothing is stored."""
    started = time.perf_counter()
    if resume:
        spent = _budget_spent(conversation, client_ip)
        if spent:
            yield spent
            return
        user_msg = None
        rt = agents.Route("scheduler", "consent given: continue the booking", "consent", 1.0)
    else:
        text = validate_text(text)
        conversation.refresh_from_db()
        resumed = None
        if conversation.status == Conversation.Status.ESCALATED:
            resumed = handoff_resume_if_unanswered(conversation=conversation)
            if resumed is not None:
                yield {"type": "message", "message": message_public(resumed)}
        if conversation.status == Conversation.Status.ESCALATED:
            # A person has this conversation: pass the message on and stay silent.
            user_msg = Message.objects.create(conversation=conversation, role="user", content=text)
            broadcast_on_commit(
                conversation, {"type": "message", "message": message_public(user_msg)}
            )
            yield {"type": "done", "conversation_id": str(conversation.pk), "handoff": True}
            return
        if conversation.mode == Conversation.Mode.QUALIFY and registration_wanted(
            conversation, text
        ):
            yield from chat_register_turn(conversation=conversation, text=text, ip=ip)
            return
        spent = _budget_spent(conversation, client_ip)
        if spent:
            yield spent
            return
        rt = agents.route(conversation, text)
        user_msg = Message.objects.create(
            conversation=conversation, role="user", content=text, intent=rt.intent,
            confidence=rt.confidence,
        )  # fmt: skip
        if (conversation.state or {}).get("followup"):  # in the sales queue: staff see it live
            broadcast_on_commit(
                conversation, {"type": "message", "message": message_public(user_msg)}
            )
    state = dict(conversation.state or {})
    if NOT_BUYING_RE.search(text):
        state["demo_declined"] = state["not_buying"] = True
        state.pop("demo_accepted", None)
    elif rt.agent == "scheduler" or DEMO_RE.search(text) or meeting_request(text):
        state["demo_accepted"] = True
        state.pop("demo_declined", None)
    elif state.get("demo_offered") and rt.intent == "deny":
        state["demo_declined"] = True
    if text and not state.get("booked"):
        _remember_meeting_time(state, text)
    state["turns"] = int(state.get("turns", 0)) + 1
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    yield {"type": "agent", "agent": rt.agent}

    wants_knowledge = (
        rt.agent in ("researcher", "consultant")
        or rt.intent in KNOWLEDGE_INTENTS
        or asks(text)
        or states_need(text)
    )
    sources = []
    if wants_knowledge and text:
        topic_url, earlier = knowledge.topic(conversation)
        sources = knowledge.sources_for(
            question_part(text),
            page_url=conversation.page_url,
            topic_url=topic_url,
            context=question_part(earlier) if earlier else "",
            tz_name=state.get("tz") or "",
        )
    allowed = list(TOOLS_FOR_AGENT[rt.agent])
    if state.get("demo_accepted"):
        allowed += [t for t in TOOLS_FOR_AGENT["scheduler"] if t not in allowed]
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
    task = (
        "rag_generation"
        if conversation.mode == Conversation.Mode.RAG
        else agents.TASK_FOR_AGENT.get(rt.agent, "qualification")
    )

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
            if call.name == "propose_slots" and out.status == "executed":
                yield {
                    "type": "slots",
                    "slots": out.result.get("slots") or [],
                    "timezone": out.result.get("timezone_name", ""),
                }
            if call.name == "connect_human" and out.status == "executed":
                handoff = bool(out.result.get("live"))
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
    for page in meta.get("cited_pages") or []:  # the service page of a catalogue line
        if page.get("url") and all(p["url"] != page["url"] for p in public):
            public.append({k: page.get(k, "") for k in ("n", "title", "url", "type")})
    latency = int((time.perf_counter() - started) * 1000)
    limits.llm_spend_record(conversation=conversation, client_ip=client_ip, dollars=totals["cost"])
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
        if meta.get("unanswered"):
            from chat.unanswered import question_record

            question_record(conversation=conversation, text=str(meta["unanswered"]))
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


def _remember_meeting_time(state: dict[str, Any], text: str) -> None:
    """Keep the day and time a visitor asks to meet at ("Let's do a demo, Thursday
    mid-morning"), so the slots offered once their email arrives, turns later, honour it."""
    pref = slot_preference(text, state.get("tz") or "")
    if not (pref.get("weekday") or pref.get("part_of_day")):
        return
    if meeting_request(text) or (state.get("demo_accepted") and pref.get("weekday")):
        state["slot_pref"] = pref


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
