"""The local provider: a working assistant with no API keys, and no canned transcript.

It reads the same structured context the LLM providers get rendered into their prompt
(``ChatRequest.context``: agent, intent, retrieved sources, the visitor's known profile and
the dialogue state) and:

- answers from retrieved knowledge: the sentences of the top chunks closest in embedding
  space to the question, each followed by its ``[Source N]`` marker; when nothing retrieved
  is close enough it says it does not know and offers a person;
- fills BANT and contact slots from the visitor's words (:mod:`ementech.ai.slots`) and asks
  for them through ``save_lead`` like a model would, so the server validates them the same
  way;
- asks one natural question at a time for the most useful missing slot, after giving
  something of value; offers a demo once the picture is clear, proposes slots and asks the
  server to book the one the visitor picks (the server then asks the visitor to confirm).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import slots
from .base import ChatRequest, ChatResult, StreamEvent, ToolCall, Usage, stream_from_result

RELEVANCE_MIN = 0.42  # best sentence cosine below this: the knowledge base has no answer
SENTENCE_MIN = 0.30
SENTENCE_CACHE = 20_000  # sentence vectors kept per process
SAVEABLE = {
    "email", "name", "company", "role", "authority", "budget", "timeline", "pain_points",
    "tech_stack", "industry", "company_size", "team_size",
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
HUMAN_OFFER = "Would you like me to connect you with a person from our team?"


def _sentences(text: str) -> list[str]:
    """Sentences of a chunk; heading lines ("Title — Section") are not sentences."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if not line or (not re.search(r"[.!?]$", line) and len(line) < 120):
            continue
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])", line)
        out += [p.strip() for p in parts if 25 <= len(p.strip()) <= 400]
    return out


QUESTION_RE = re.compile(
    r"\?\s*$|^\s*(what|how|why|when|where|which|who|do|does|did|can|could|is|are|will)\b", re.I
)


class LocalProvider:
    name = "local"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    # -- embeddings --------------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``; knowledge sentences repeat, so they are cached."""
        from ..intents import _embedder

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = np.asarray(_embedder().embed(missing), dtype=np.float32)
            with self._lock:
                if len(self._cache) + len(missing) > SENTENCE_CACHE:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        return np.stack([self._cache[t] for t in texts])

    def best_sentences(
        self, query: str, sources: list[dict[str, Any]], limit: int = 2
    ) -> tuple[list[tuple[str, int, float]], float]:
        """[(sentence, source number, score)] most similar to the query, and the top score."""
        cands: list[tuple[str, int]] = []
        for src in sources:
            for sent in _sentences(src.get("text", ""))[:25]:
                cands.append((sent, src["n"]))
            if src.get("title"):
                cands.append((src["title"] + ".", src["n"]))
        if not cands or not query.strip():
            return [], 0.0
        vecs = self._embed([query] + [c[0] for c in cands])
        sims = vecs[1:] @ vecs[0]
        order = np.argsort(-sims)
        top = float(sims[order[0]])
        picked: list[tuple[str, int, float]] = []
        for i in order:
            sent, n = cands[int(i)]
            score = float(sims[int(i)])
            if (
                score < SENTENCE_MIN
                or sent.endswith(".")
                and sent[:-1] in {s.get("title") for s in sources}
            ):
                continue
            if any(sent == p[0] for p in picked):
                continue
            picked.append((sent, n, score))
            if len(picked) >= limit:
                break
        return picked, top

    # -- protocol ----------------------------------------------------------------------------

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        yield from stream_from_result(self.complete(request))

    def complete(self, request: ChatRequest) -> ChatResult:
        ctx = request.context or {}
        done = _tool_results_this_turn(request.messages)
        calls = [] if _has_terminal(done) else self.plan_tools(ctx, done)
        if calls:
            return self._result(request, "", calls, {})
        text, meta = self.compose(ctx, done)
        return self._result(request, text, [], meta)

    def _result(self, request, text, calls, meta) -> ChatResult:
        prompt_chars = len(request.system) + sum(
            len(str(m.get("content") or "")) for m in request.messages
        )
        return ChatResult(
            text=text,
            tool_calls=calls,
            usage=Usage(input_tokens=prompt_chars // 4, output_tokens=len(text) // 4),
            model="local",
            provider=self.name,
            finish_reason="tool_calls" if calls else "stop",
            meta=meta,
        )

    # -- deciding on tools ---------------------------------------------------------------------

    def plan_tools(self, ctx: dict[str, Any], done: dict[str, dict]) -> list[ToolCall]:
        tools = set(ctx.get("tools") or [])
        query = ctx.get("query", "")
        profile = ctx.get("profile") or {}
        calls: list[ToolCall] = []

        def call(name: str, args: dict) -> None:
            if name in tools and name not in done:
                calls.append(ToolCall(id=f"call_{uuid.uuid4().hex[:12]}", name=name,
                                      arguments=args, raw=""))  # fmt: skip

        if ctx.get("intent") == "human" and "connect_human" not in done:
            call("connect_human", {"reason": query[:200] or "Visitor asked for a person"})
            return calls
        asking = bool(QUESTION_RE.search(query)) and not slots.EMAIL_RE.search(query)
        if "save_lead" not in done and not (asking and not ctx.get("last_asked")):
            found = slots.extract(
                query, asked=ctx.get("last_asked"), proposed_budget=ctx.get("proposed_budget")
            )
            new = {}
            for key, value in found.items():
                if key not in SAVEABLE or not value:
                    continue
                known = profile.get(key)
                if isinstance(value, list):
                    value = [
                        v for v in value if v.lower() not in {str(k).lower() for k in known or []}
                    ]
                    if value:
                        new[key] = value
                elif value != known:
                    new[key] = value
            if new:
                call("save_lead", new)
                return calls
        if ctx.get("agent") == "scheduler" and ctx.get("demo_accepted"):
            offered = ctx.get("offered_slots") or []
            picked = pick_slot(query, offered) if offered else None
            if picked and "book_demo" not in done:
                call("book_demo", {"slot_id": picked["id"]})
            elif (
                not offered
                and "propose_slots" not in done
                and ctx.get("consent")
                and all(profile.get(k) for k in slots.CONTACT_ORDER)
            ):
                call("propose_slots", {})
        return calls

    # -- writing the reply ---------------------------------------------------------------------

    def compose(self, ctx: dict[str, Any], done: dict[str, dict]) -> tuple[str, dict]:
        meta: dict[str, Any] = {}
        parts: list[str] = []
        query = ctx.get("query", "")
        profile = ctx.get("profile") or {}
        intent = ctx.get("intent", "unknown")
        agent = ctx.get("agent", "researcher")
        mode = ctx.get("mode", "qualify")
        variant = int(ctx.get("variant", 0))

        if "connect_human" in done:
            res = done["connect_human"]
            if res.get("ok"):
                return (
                    "I've asked a colleague to join this chat: someone from our team will reply "
                    "right here. I'll stay out of the way in the meantime.",
                    {"handoff": True},
                )
            return ("I couldn't reach the team just now. You can email hello@ementech.co.ke "
                    "and we'll get back to you right away.", meta)  # fmt: skip
        if "book_demo" in done:
            res = done["book_demo"]
            if res.get("status") == "needs_confirmation":
                return (f"Shall I book {res['label']}? Please confirm with the buttons below.",
                        {"pending": res.get("action_id")})  # fmt: skip
            if res.get("error"):
                return ("Sorry, I couldn't book that one: " + res["error"] + " "
                        + _slot_sentence(res.get("slots") or []),
                        {"offered_slots": res.get("slots") or []})  # fmt: skip
        if "propose_slots" in done:
            offered = done["propose_slots"].get("slots") or []
            meta["offered_slots"] = offered
            if offered:
                lead_in = "Thanks, that's everything I need. " if "save_lead" in done else ""
                return lead_in + _slot_sentence(offered), meta
            return ("I can't see any open demo slots in the next two weeks, so I'll ask the team "
                    "to email you a time directly.", meta)  # fmt: skip

        saved = done.get("save_lead") or {}
        new = saved.get("accepted") or {}
        if new:
            ack = slots.describe(new)
            if ack and intent not in ("question",):
                parts.append(("Got it: " if variant % 2 == 0 else "Thanks, noted: ") + ack + ".")
            elif new.get("email") or new.get("name") or new.get("company"):
                parts.append("Thanks.")
        if saved.get("refused"):
            parts.append("I can only keep details for this conversation, so I've left that out.")

        # Value from the knowledge base.
        sources = ctx.get("sources") or []
        answered = False
        wants_knowledge = intent in ("explore", "question", "advice", "unknown") or mode == "rag"
        if sources and (wants_knowledge or agent in ("researcher", "consultant")):
            picked, top = self.best_sentences(query, sources, limit=2 if wants_knowledge else 1)
            if top >= RELEVANCE_MIN and picked:
                used = []
                for sent, n, _ in picked:
                    used.append(n)
                    parts.append(f"{sent} [Source {n}]")
                meta["cited"] = sorted(set(used))
                answered = True
        offered = ctx.get("offered_slots") or []
        if agent == "scheduler" and offered and not new:
            return "Which of these suits you best? " + _slot_sentence(offered), {
                "offered_slots": offered
            }
        if (
            not answered
            and (intent in ("question", "unknown") or mode == "rag")
            and agent in ("researcher", "consultant")
            and not new
        ):
            parts.append(
                "I don't know: I couldn't find anything on that in our knowledge base, and I'd "
                "rather not guess. " + HUMAN_OFFER
            )
            meta["dont_know"] = True
            return " ".join(parts), meta
        if intent == "greeting" and not parts:
            parts.append("Hi! I can help you explore how AI could work for your business.")
        if intent == "thanks":
            parts.append("You're welcome! I'm here if anything else comes up.")
            return " ".join(parts), meta

        if mode == "rag":
            return " ".join(parts) or HUMAN_OFFER, meta

        # Consent reminder before contact details go anywhere.
        consent_asked = False
        if saved.get("held") == "consent":
            parts.append(
                "Before I store your contact details, please tick the consent box below the chat."
            )
            meta["needs_consent"] = consent_asked = True

        question, asked_meta = self.next_question(ctx, profile, variant, consent_asked)
        meta.update(asked_meta)
        if question:
            parts.append(question)
        elif not parts:
            parts.append("Is there anything else I can help you with?")
        return " ".join(parts), meta

    def next_question(
        self, ctx: dict, profile: dict, variant: int, consent_asked: bool = False
    ) -> tuple[str, dict]:
        asked = ctx.get("asked") or {}
        if ctx.get("demo_declined"):
            return "", {}
        if ctx.get("demo_accepted"):
            todo = slots.missing(profile, slots.CONTACT_ORDER, asked, max_asks=3)
            if todo:
                slot = todo[0]
                q = slots.question_for(slot, variant)
                if slot == "email" and ctx.get("demo_accepted"):
                    q = "What's the best email to send the demo invitation to?"
                if not ctx.get("consent") and slot == "email" and not consent_asked:
                    q += " (Tick the consent box below so we may store it.)"
                return q, {"asked_slot": slot}
            if not ctx.get("consent") and not consent_asked:
                return ("Please tick the consent box below so I can save your details and book "
                        "the demo.", {"needs_consent": True})  # fmt: skip
            return "", {}
        todo = slots.missing(profile, slots.QUALIFY_ORDER, asked)
        if todo:
            slot = todo[0]
            meta: dict[str, Any] = {"asked_slot": slot}
            if slot == "budget":
                meta["proposed_budget"] = slots.PROPOSED_BUDGET
            return slots.question_for(slot, variant), meta
        if not ctx.get("demo_offered"):
            return (
                "Would it be helpful to see a demo of what we've built for similar companies?",
                {"demo_offered": True},
            )
        return "", {}


def _tool_results_this_turn(messages: list[dict[str, Any]]) -> dict[str, dict]:
    """{tool name: parsed result} for tool results after the last visitor message."""
    import json

    out: dict[str, dict] = {}
    for m in reversed(messages):
        if m["role"] == "user":
            break
        if m["role"] == "tool":
            try:
                out[m.get("name", "")] = json.loads(m["content"])
            except (TypeError, ValueError):
                out[m.get("name", "")] = {"error": "unreadable result"}
    return out


def _has_terminal(done: dict[str, dict]) -> bool:
    return any(k in done for k in ("connect_human", "book_demo", "propose_slots"))


def _slot_sentence(offered: list[dict]) -> str:
    labels = [o["label"] for o in offered]
    if not labels:
        return ""
    if len(labels) == 1:
        return f"We have an opening on {labels[0]}. Does that work for you?"
    return (
        "We have openings on " + ", ".join(labels[:-1]) + f" or {labels[-1]}. Which works better?"
    )


def pick_slot(text: str, offered: list[dict]) -> dict | None:
    """The offered slot the visitor chose ("Thursday works", "the 2pm one", "the first")."""
    t = text.lower()
    if not offered:
        return None
    ordinals = {"first": 0, "1st": 0, "earlier": 0, "earliest": 0, "second": 1, "2nd": 1,
                "later": -1, "last": -1, "latter": -1, "former": 0}  # fmt: skip
    scored = []
    for slot in offered:
        label = slot["label"].lower()
        score = 0
        for day in WEEKDAYS:
            words = re.findall(r"[a-z]+", t)
            if day in label and (day in t or day[:3] in words):
                score += 2
        for hour in re.findall(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b", t):
            h = int(hour[0])
            if hour[2] == "pm" and h < 12:
                h += 12
            if f"{h:02d}:{hour[1] or '00'}" in label:
                score += 2
        if re.search(r"\bmorning\b", t) and re.search(r"\b(0\d|1[01]):", label):
            score += 1
        if re.search(r"\bafternoon\b", t) and re.search(r"\b(1[2-7]):", label):
            score += 1
        scored.append(score)
    best = max(scored)
    if best > 0 and scored.count(best) == 1:
        return offered[scored.index(best)]
    for word, idx in ordinals.items():
        if re.search(rf"\b{word}\b", t):
            return offered[idx]
    if len(offered) == 1 and slots.AFFIRM_RE.search(text):
        return offered[0]
    return None
