"""The chat's own assistant for the local provider (no API keys), registered as its
responder: it reads the structured context the LLM providers get rendered into their prompt
(agent, intent, retrieved sources, the visitor's known profile, the dialogue state) and
writes the reply as it goes, so the first words stream before the rest is composed.

Each turn it first saves what the visitor stated (``save_lead``, validated by the server),
asks for a person when told to (``connect_human``: the server decides whether someone is
online) and handles the demo (``propose_slots`` with the day and part of day asked for,
``book_demo`` for a slot picked in words). Then it answers what was asked, from the
catalogue or the knowledge base with ``[Source N]`` markers, or says it does not know and
records the question; then at most one qualifying question, never one already answered.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

from chat import slots
from chat.meeting_time import pick_slot, slot_preference
from chat.pricing_answers import (  # noqa: F401 - re-exported for callers
    PRICE_WORDS,
    _page_price,
    catalogue_line,
    catalogue_pick,
    price_subject,
)
from chat.questions import (  # noqa: F401 - QUESTION_RE re-exported
    QUESTION_RE,
    asks,
    beside_request,
    question_part,
    states_need,
)
from chat.sentence_choice import distinct, names_asked_system, naming_first
from chat.thesaurus import with_site_terms
from ementech.ai.providers.base import ChatRequest, ToolCall
from ementech.ai.providers.local import LocalProvider

RELEVANCE_MIN = 0.42  # best sentence cosine below this: the knowledge base has no answer
EVENT_FACT_MIN = 0.3  # an event fact asked in other words ("dial in" for online)
TERM_MATCH_MIN = 0.25  # a sentence naming the very system asked about ("… Freshdesk …")
SAVEABLE = {
    "email", "name", "company", "role", "authority", "budget", "timeline", "pain_points",
    "tech_stack", "industry", "company_size", "team_size", "phone",
}  # fmt: skip
# A message that says what the visitor's own business is ("we're a courier company",
# "actually we're in insurance"); without one, an industry once known is kept.
SELF_DESCRIBED = re.compile(
    r"\b(we'?re|we are|i'?m|i am|our (company|business|firm|organi[sz]ation) is|actually|"
    r"sorry|correction)\b",
    re.I,
)
# A question about what was achieved is answered with the figures ("have you done this for
# a hospital?", "what were the results?", "prove it").
EVIDENCE = re.compile(
    r"\b(have|has) you (ever )?(done|built|worked|delivered|solved|helped|implemented|deployed)|"
    r"\bdid you (achieve|deliver|get|save)|case stud|results?\b|numbers|figures|achiev|outcomes?|"
    r"impact|track record|proof|prove|evidence|examples?|any (clients?|customers?) (like|in)|"
    r"how (much|many|well|fast)\b.*\b(drop|fall|fell|cut|save|saved|improve|reduce|grow)|"
    r"\b(matokeo|mlifanya|mliweza|mlisaidia)\b",  # Swahili: "what did you do (for them)"
    re.I,
)
# Students, researchers, reporters and job seekers are helped, never qualified as buyers.
NON_BUYER_ROLE = re.compile(
    r"\b(student|researcher|intern|job ?seeker|graduate|reporter|journalist|correspondent)\b",
    re.I,
)
HOSTILE_RE = re.compile(r"useless|overcharge|rip.?off|scam|stupid|waste of time|slow", re.I)
OFF_TOPIC_RE = re.compile(r"mvua|weather|football|harambee stars|walishinda|recipe|joke", re.I)
REPLY_PROMISE = (
    "a person from our team will reply by email within one business day "
    "(Monday to Friday, 8:00 to 18:00 Nairobi time)"
)


def respond(request: ChatRequest, provider: LocalProvider) -> Iterator[Any]:
    """The responder: tool calls for this round, or the reply written piece by piece."""
    ctx = request.context or {}
    done = tool_results_this_turn(request.messages)
    calls = plan_tools(ctx, done)
    if calls:
        yield from calls
        return
    yield from compose(ctx, done, provider, request.messages)


# --- deciding on tools ---------------------------------------------------------------------


def _call(name: str, args: dict) -> ToolCall:
    return ToolCall(id=f"call_{uuid.uuid4().hex[:12]}", name=name, arguments=args, raw="")


def plan_tools(ctx: dict[str, Any], done: dict[str, dict]) -> list[ToolCall]:
    tools = set(ctx.get("tools") or [])
    query = ctx.get("query", "")
    profile = ctx.get("profile") or {}
    if any(k in done for k in ("connect_human", "book_demo", "propose_slots")):
        return []

    def may(name: str) -> bool:
        return name in tools and name not in done

    if may("save_lead"):
        found = slots.extract(
            query,
            asked=ctx.get("last_asked"),
            proposed_budget=ctx.get("proposed_budget"),
            region=slots.REGION_OF_TZ.get(ctx.get("timezone") or "", "KE"),
        )
        new = {}
        for key, value in found.items():
            if key not in SAVEABLE or value in (None, "", []):
                continue
            known = profile.get(key)
            if key == "industry" and known and not SELF_DESCRIBED.search(query):
                continue  # "reconcile farmer payments": the farm still is no fintech
            if isinstance(value, list):
                value = [v for v in value if v.lower() not in {str(k).lower() for k in known or []}]
                if value:
                    new[key] = value
            elif value != known:
                new[key] = value
        if new:
            return [_call("save_lead", new)]
    if ctx.get("intent") == "human" and may("connect_human"):
        return [_call("connect_human", {"reason": query[:200] or "Visitor asked for a person"})]
    if ctx.get("demo_accepted") and profile.get("email") and ctx.get("consent"):
        offered = ctx.get("offered_slots") or []
        pref = slot_preference(query, ctx.get("timezone") or "")
        picked = pick_slot(query, offered) if offered and not pref else None
        if picked and may("book_demo"):
            return [_call("book_demo", {"slot_id": picked["id"]})]
        if may("propose_slots") and (not offered or pref):
            return [_call("propose_slots", pref or dict(ctx.get("slot_pref") or {}))]
    return []


# --- writing the reply ---------------------------------------------------------------------


def compose(
    ctx: dict[str, Any], done: dict[str, dict], provider: LocalProvider, messages: list[dict]
) -> Iterator[Any]:
    query = ctx.get("query", "")
    profile = ctx.get("profile") or {}
    intent = ctx.get("intent", "unknown")
    said: list[str] = []

    def say(text: str) -> str:
        said.append(text)
        return ("" if len(said) == 1 else " ") + text

    if "book_demo" in done:
        res = done["book_demo"]
        if res.get("status") == "needs_confirmation":
            yield say(f"Shall I book {res['label']}? Please confirm with the buttons below.")
            yield {"pending": res.get("action_id")}
            return
        if res.get("error"):
            yield say("Sorry, I couldn't book that one: " + res["error"] + ".")

    # 1. Answer what was asked (an answer may itself ask where to write: then no other
    # question follows).
    asked_email = False

    def relayed(items: Iterator[Any]) -> Iterator[Any]:
        nonlocal asked_email
        for item in items:
            if isinstance(item, dict) and item.get("asked_slot") == "email":
                asked_email = True
            yield item

    asked_something = asks(query) or intent in ("question", "advice")
    if asked_something and intent not in ("human", "demo", "affirm", "deny", "thanks"):
        yield from relayed(answer(ctx, provider, messages, say))
    elif states_need(query) and intent not in ("human", "demo", "thanks") and ctx.get("sources"):
        # "we want to automate matching supplier invoices": what we do about it, if it fits
        yield from answer(ctx, provider, messages, say, quiet=True)
    elif intent in ("human", "demo") and (beside := beside_request(query)):
        # "Book me a demo on Tuesday. Do you integrate with Odoo?": the question too
        yield from relayed(answer({**ctx, "query": beside}, provider, messages, say))
    elif OFF_TOPIC_RE.search(query):
        yield say("That one is outside what I can help with, I'm afraid.")
    if HOSTILE_RE.search(query) and not said:
        yield say("Fair question. I'm EmenTech's assistant, and I'll give you straight answers "
                  "from our published material, or say so when I don't know.")  # fmt: skip

    # 2. What happened with the tools.
    saved = done.get("save_lead") or {}
    new = saved.get("accepted") or {}
    answered = bool(said)
    if saved.get("email_corrected"):
        yield say(f"Thanks, I've changed your email to {saved['email_corrected']}.")
    elif saved.get("email_kept"):
        yield say(f"I can't change the address from this chat any more, so {saved['email_kept']} "
                  f"stays on file for now; I've asked a colleague to switch it to "
                  f"{saved['email_requested']}.")  # fmt: skip
    if new and not answered:
        ack = slots.describe(new)
        thanks = "Noted" if said else "Thanks, noted"  # the email line thanked already
        if ack or not said:
            yield say((f"{thanks}: {ack}.") if ack else "Thanks.")
    if saved.get("held") == "consent":
        yield say("Before I store your contact details, please tick the consent box below.")
        yield {"needs_consent": True}
    if "connect_human" in done:
        # A visitor who asked for a person is not asked qualifying questions on top; the
        # reply already says who will answer and, if needed, asks where to write.
        yield from handoff_reply(done["connect_human"], profile, say)
        return
    if "propose_slots" in done:
        res = done["propose_slots"]
        offered = res.get("slots") or []
        yield {"offered_slots": offered}
        if res.get("none_fit"):
            yield say(f"I can't see an opening {res['none_fit']}.")
        if offered:
            yield say(slot_sentence(offered, res.get("timezone_name", "")))
        else:
            yield say("I can't see any open demo slots in the next two weeks, so " + REPLY_PROMISE
                      + " with a time.")  # fmt: skip
        return
    if ctx.get("agent") == "scheduler" and ctx.get("offered_slots") and not new:
        yield say("Which of these suits you best? " + slot_sentence(ctx["offered_slots"], ""))
        return
    if intent == "thanks" and not asked_something:
        yield say("You're welcome! I'm here if anything else comes up.")
        return
    if ctx.get("mode") == "rag":
        if not said:
            yield say("What would you like to know about our work?")
        return

    # 3. At most one question, never one already answered; a registration under way first.
    if ctx.get("registration_question"):
        yield say("To finish your registration: " + ctx["registration_question"])
        return
    if asked_email:
        return
    question, meta = next_question(ctx, profile)
    if meta:
        yield meta
    if question:
        yield say(question)
    elif not said:
        yield say("Is there anything else I can help you with?")


def answer(
    ctx, provider: LocalProvider, messages: list[dict], say, quiet: bool = False
) -> Iterator[Any]:
    """The answer (:func:`_answer`), then what it leaves unknown (chat.partial); ``quiet``
    (a need stated, nothing asked): only what the material says, no "I don't know"."""
    from chat.partial import unknown_part

    dont_know = False
    for item in _answer(ctx, provider, messages, say, quiet=quiet):
        dont_know = dont_know or (isinstance(item, dict) and bool(item.get("dont_know")))
        yield item
    if not dont_know and not quiet:
        query = ctx.get("query", "")
        email = (ctx.get("profile") or {}).get("email") or ""
        yield from unknown_part(question_part(query), query, email, REPLY_PROMISE, say)


def _answer(
    ctx, provider: LocalProvider, messages: list[dict], say, quiet: bool = False
) -> Iterator[Any]:
    """The answer to the visitor's question, cited, or an honest "I don't know".

    A price or time question is answered from the catalogue line it is about (citing the
    catalogue and that line's service page); the other questions in the same message ("do
    you build credit scoring? what does it cost?"), and a price question about no line in
    particular ("how are your projects priced?"), are answered from the knowledge base."""
    from chat.catalogue import wants_catalogue
    from chat.event_facts import event_question
    from chat.knowledge import respelled
    from chat.partial import known_terms
    from chat.priced import names_subject, priced_answer

    query = ctx.get("query", "")
    sources = ctx.get("sources") or []
    knowledge = [s for s in sources if not s.get("catalogue")]
    catalogue = next((s for s in sources if s.get("catalogue")), None)
    asked = respelled(question_part(query))  # "logistcs" matches the pages' "logistics"
    bar = RELEVANCE_MIN
    if any(s.get("type") == "event" for s in knowledge) and (said := event_question(asked)):
        # "can I dial in?" asks whether it is online: a fact of the event's own, so its
        # sentence answers at a lower bar than a passage found by likeness alone
        asked, bar = said, EVENT_FACT_MIN
    cited: list[int] = []
    pages: list[dict] = []
    if catalogue is not None and (said := _page_price(ctx, asked, knowledge)):
        yield say(f"{said[0]} [Source {said[1]}]")
        yield {"cited": [said[1]]}
        return
    if catalogue is not None:
        line, item = catalogue_pick(query, catalogue, provider, messages)
        others = " ".join(p for p in _sentences(asked) if not wants_catalogue(p))
        general = item is None
        if general and line and names_subject(asked):  # the page pricing what was asked
            said = priced_answer(asked, knowledge, lambda q, src: _knowledge_answer(
                q, src, provider, messages, limit=1)[0])  # fmt: skip
            if said:
                for sent, n in said:
                    yield say(f"{sent} [Source {n}]")
                yield {"cited": sorted({n for _, n in said})}
                return
        if general or others:
            # Beside a catalogue line one sentence; instead of one (a duration question
            # about something not in the catalogue: "how long is the workshop?") two.
            limit = 1 if line else 2
            picked, top = _knowledge_answer(others or asked, knowledge, provider, messages, limit)
            if picked:
                for sent, n, _ in picked:
                    yield say(f"{sent} [Source {n}]")
                cited += [n for _, n, _ in picked]
        if line:
            yield say(f"{line} [Source {catalogue['n']}]")
            cited.append(catalogue["n"])
            if item and item.get("page") and item["page"].get("url"):
                pages.append({"n": catalogue["n"], "type": "service", **item["page"]})
        if cited:
            yield {"cited": sorted(set(cited)), "cited_pages": pages}
            return
    picked, top = _knowledge_answer(asked, knowledge, provider, messages, bar=bar, whole=query)
    if picked:
        for sent, n, _ in picked:
            yield say(f"{sent} [Source {n}]")
        yield {"cited": sorted({n for _, n, _ in picked})}
        return
    named = known_terms(query, query)  # "Luganda? ... Kiswahili": Swahili
    picked = _knowledge_answer(" ".join(named), knowledge, provider, [], 1)[0] if named else []
    if picked:
        for sent, n, _ in picked:
            yield say(f"{sent} [Source {n}]")
        yield {"cited": sorted({n for _, n, _ in picked})}
        return
    if quiet:
        return
    email = (ctx.get("profile") or {}).get("email")
    if email or (ctx.get("asked") or {}).get("email", 0) >= 1 or ctx.get("demo_accepted"):
        # asked once already (or the demo flow asks for it): the promise, no second question
        at = f" to {email}" if email else ""
        yield say("I don't know that one, and I'd rather not guess. I've noted your question, "
                  f"and {REPLY_PROMISE}{at}.")  # fmt: skip
        yield {"dont_know": True, "unanswered": query}
        return
    yield say("I don't know that one, and I'd rather not guess. I've noted your question, and "
              f"{REPLY_PROMISE}: which email should they write to?")  # fmt: skip
    yield {"dont_know": True, "unanswered": query, "asked_slot": "email"}


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.!?])\s+|,\s*(?:and|but)\s+", text.strip()) if p]


def _knowledge_answer(
    asked: str,
    knowledge: list[dict],
    provider: LocalProvider,
    messages: list[dict],
    limit: int = 2,
    bar: float = RELEVANCE_MIN,
    whole: str = "",
) -> tuple[list[tuple[str, int, float]], float]:
    """The knowledge sentences that answer ``asked`` (none when the best is not relevant:
    below ``bar``, or, for a lowered bar, not from an event's facts)."""
    from chat.knowledge import refers_back

    context = ""
    if refers_back(asked):  # "did it account for paydays?": read with the last question
        earlier = [m["content"] for m in messages if m["role"] == "user"][-2:-1]
        context = f"{question_part(earlier[0])} {asked}" if earlier else ""
    picked, top = provider.best_sentences(
        with_site_terms(asked),  # "which loans go bad" is the pages' "credit scoring"
        knowledge,
        limit=limit,
        context=context,
        prefer_figures=bool(EVIDENCE.search(asked)),
    )
    picked = distinct([p for p in picked if not p[0].endswith("?")], knowledge)
    # "quickbooks?": the sentence naming the system asked about, before a likelier one
    picked = naming_first(picked, f"{asked} {whole}", knowledge, provider)
    top = max([top, *(p[2] for p in picked[:1])])
    events = {s["n"] for s in knowledge if s.get("type") == "event"}
    if picked and (top >= RELEVANCE_MIN or (top >= bar and picked[0][1] in events)):
        return picked, top
    if picked and top >= TERM_MATCH_MIN and names_asked_system(f"{asked} {whole}", picked[0][0]):
        return picked, top  # "we use Freshdesk": the sentence naming Freshdesk answers
    return [], top


def handoff_reply(result: dict, profile: dict, say) -> Iterator[str]:
    if result.get("live"):
        yield say("A colleague from our Sales team is online and will join this chat in a "
                  "moment.")  # fmt: skip
        return
    email = profile.get("email")
    if email:
        yield say(
            f"No one from Sales is online right now, so {REPLY_PROMISE} to {email}. "
            "I've put your request in their queue; meanwhile I'm happy to keep helping."
        )
    else:
        yield say(f"No one from Sales is online right now, so {REPLY_PROMISE}. I've put your "
                  "request in their queue; which email should they write to? Meanwhile I'm "
                  "happy to keep helping.")  # fmt: skip


def slot_sentence(offered: list[dict], tz_name: str) -> str:
    labels = [o["label"] for o in offered]
    zone = f" ({tz_name} time)" if tz_name else ""
    if not labels:
        return ""
    if len(labels) == 1:
        return f"We have an opening on {labels[0]}{zone}. Does that work for you?"
    return (
        "We have openings on " + ", ".join(labels[:-1]) + f" or {labels[-1]}{zone}. "
        "Which works better?"
    )


def next_question(ctx: dict, profile: dict) -> tuple[str, dict]:
    asked = ctx.get("asked") or {}
    if ctx.get("demo_accepted"):
        if not profile.get("email") and asked.get("email", 0) < 3:
            q = "What's the best email to send the demo invitation to?"
            if not ctx.get("consent"):
                q += " (Tick the consent box below so we may store it.)"
            return q, {"asked_slot": "email"}
        if not ctx.get("consent"):
            return ("Please tick the consent box below so I can save your details and book the "
                    "demo.", {"needs_consent": True})  # fmt: skip
        return "", {}
    if (
        ctx.get("demo_declined")
        or ctx.get("not_buying")
        or ctx.get("followup")  # waiting for a person: they qualify, not the bot
        or NON_BUYER_ROLE.search(str(profile.get("role") or ""))
        or profile.get("authority") == "user"  # "I'd just be using it": no budget to ask for
    ):
        return "", {}
    todo = slots.missing(profile, slots.QUALIFY_ORDER, asked, max_asks=1)
    if todo:
        slot = todo[0]
        meta: dict[str, Any] = {"asked_slot": slot}
        if slot == "budget":
            meta["proposed_budget"] = slots.PROPOSED_BUDGET
        return slots.question_for(slot, int(ctx.get("variant", 0))), meta
    if not ctx.get("demo_offered"):
        return (
            "Would it be helpful to see a demo of what we've built for similar companies?",
            {"demo_offered": True},
        )
    return "", {}


def tool_results_this_turn(messages: list[dict[str, Any]]) -> dict[str, dict]:
    """{tool name: parsed result} for tool results after the last visitor message."""
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
