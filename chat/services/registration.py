"""Conversational event registration (seed 3.1.3): on an event page, or over
``POST /api/chat/register``, the assistant collects the event's registration fields one
question at a time, skips what the visitor already gave (in this message, earlier in the
chat, or on their own verified lead), and registers through the same events service as the
page's form (capacity, waitlist, qualification, consent, the ``.ics`` confirmation).

The dialogue lives in ``conversation.state["registration"]``: the event's id, the email and
answers gathered so far, the field just asked and whether the waitlist was offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from chat import slots
from chat.event_facts import event_for_page, event_over, event_source
from chat.models import Conversation, Message
from chat.vocabulary import ACK_WORDS
from ementech.ai.providers.base import split_tokens

REGISTER_RE = re.compile(
    r"\b(register|registration|sign (me|us) up|sign up|save (me )?a (seat|spot|place)|"
    r"book (me )?a (seat|spot|place)|rsvp|attend|join (this|the) (event|webinar|workshop))\b",
    re.I,
)
STOP_RE = re.compile(r"\b(cancel|stop|never ?mind|forget it|not now)\b", re.I)
YES_RE = re.compile(r"\b(yes|yeah|yep|sure|ok(ay)?|please|go ahead|do it|add me)\b", re.I)
QUESTIONS = {
    "email": "What email address should the confirmation go to?",
    "name": "What's your full name?",
    "company": "Which company are you with?",
    "role": "What's your role there?",
    "phone": "What phone number can we reach you on?",
    "company_size": "Roughly how many people work at your company?",
    "industry": "Which industry is your company in?",
    "experience_level": (
        "How much experience do you have with AI: just getting started, some projects "
        "shipped, or AI in production?"
    ),
    "challenges": "What's your biggest challenge right now?",
    "hoping_to_learn": "What are you hoping to learn?",
    "dietary_requirements": "Any dietary requirements? (Say “none” if not.)",
}
EXPERIENCE_WORDS = [
    ("advanced", r"production|advanced|expert|live|running|deployed|lots"),
    ("intermediate", r"some|few|shipped|intermediate|pilot|couple"),
    ("beginner", r"start|beginner|new|none|no experience|nothing|just|exploring|little"),
]
SIZE_FOR_COUNT = ((10, "1-10"), (50, "11-50"), (200, "51-200"), (500, "201-500"))


def registration_wanted(conversation: Conversation, text: str) -> bool:
    """This turn belongs to the registration dialogue: one is under way and the message is
    not a question asked instead of the answer ("is it recorded?" is answered by the
    assistant, and the registration waits), or the visitor on an event page asks to
    register."""
    reg = (conversation.state or {}).get("registration")
    if reg:
        return not _asks_instead(reg, text)
    return bool(REGISTER_RE.search(text)) and event_for_page(conversation.page_url) is not None


def _asks_instead(reg: dict, text: str) -> bool:
    """The visitor asks something rather than answering the field we asked for."""
    from chat.questions import asks

    asked = reg.get("asked")
    if asked in (None, "waitlist", "consent") or not asks(text):
        return False
    if STOP_RE.search(text) or REGISTER_RE.search(text):
        return False
    return _answer_for(asked, text) is None and not _volunteered(text, asked)


def pending_question(state: dict) -> str:
    """The registration question still waiting for an answer (asked again after the
    assistant answered something else), or ""."""
    asked = ((state or {}).get("registration") or {}).get("asked")
    return QUESTIONS.get(asked, "") if asked else ""


def _answer_for(field: str, text: str) -> str | None:
    """Read ``text`` as the answer to the registration field we asked."""
    from events.facade import REGISTRATION_FIELDS

    found = slots.extract(text, asked=field)
    if field in ("email", "name", "company", "role", "phone", "industry"):
        value = found.get(field)
        if value is None and field in ("name", "company", "role", "industry"):
            plain = text.strip().strip(".!")
            if (
                0 < len(plain) <= 80
                and "@" not in plain
                and "?" not in plain
                and plain.lower() not in ACK_WORDS
            ):
                value = plain
        return value
    if field == "company_size":
        if found.get("team_size"):
            return _size_choice(int(found["team_size"]))
        digits = re.findall(r"\d[\d,]*", text)
        return _size_choice(int(digits[-1].replace(",", ""))) if digits else None
    spec = REGISTRATION_FIELDS[field]
    if spec.choices:
        low = text.lower()
        for value, label in spec.choices:
            if value in low or label.lower() in low:
                return value
        if field == "experience_level":
            for value, pattern in EXPERIENCE_WORDS:
                if re.search(pattern, low):
                    return value
        return None
    plain = text.strip()
    return plain or None


def _size_choice(count: int) -> str:
    for top, choice in SIZE_FOR_COUNT:
        if count <= top:
            return choice
    return "500+"


def _volunteered(text: str, asked: str | None) -> dict[str, str]:
    """Lead fields the visitor states without being asked (email, name, company, role…)."""
    found = slots.extract(text, asked=asked if asked in ("name", "company") else None)
    out = {
        k: str(found[k])
        for k in ("email", "name", "company", "role", "phone", "industry")
        if found.get(k)
    }
    if found.get("company_size"):
        out["company_size"] = str(found["company_size"])
    return out


# "about 80 staff", "tuko 25": a head count, not a company or a role.
HEAD_COUNT = re.compile(
    r"\d.*\b(staff|employees|people|workers|members|agents|riders|wafanyakazi|watu)\b"
    r"|\b(tuko|wafanyakazi|watu)\b.*\d",
    re.I,
)

ROLE_WORDS = re.compile(
    r"\b(dev|developer|engineer|manager|officer|director|analyst|head|lead|founder|owner|"
    r"consultant|designer|architect|scientist|administrator|admin|coordinator|assistant|"
    r"student|researcher|lecturer|teacher|ceo|cto|cfo|coo|cio|vp|president|partner)\b",
    re.I,
)


def _chatter(part: str) -> bool:
    """A part that opens with an acknowledgement and names nothing ("sawa nitakuja", "ok
    see you then", "Great, thanks"): talk around the list, not a company or a role."""
    words = part.split()
    return (
        len(words) > 1
        and words[0].lower().strip(",") in ACK_WORDS
        and not any(w[:1].isupper() for w in words[1:])
    )


def _listed(text: str, found: dict[str, str], open_fields: list[str]) -> dict[str, str]:
    """A list typed in one go ("jo mwangi, jo@x.co, shamba tech, product lead"): the short
    parts no parser claimed fill the open free-text fields (company, role), a part with a
    job word going to the role, the others in the form's order."""
    parts = [p.strip(" .!") for p in re.split(r"[,;\n]|(?<=[.!])\s+", text)]
    if len([p for p in parts if p]) < 3:
        return {}
    claimed = {str(v).lower() for v in found.values()}
    rest = [
        p for p in parts
        if p and "@" not in p and "?" not in p and len(p.split()) <= 5
        and not REGISTER_RE.search(p) and p.lower() not in claimed
        and not re.search(r"\d{4}", p) and p.lower() not in ACK_WORDS
        and not HEAD_COUNT.search(p) and not _chatter(p)
    ]  # fmt: skip
    fields = [f for f in open_fields if f in ("company", "role") and not found.get(f)]
    out: dict[str, str] = {}
    if "role" in fields:
        role = next((p for p in rest if ROLE_WORDS.search(p)), None)
        if role:
            out["role"] = role
            rest.remove(role)
    for field in fields:
        if field not in out and rest:
            out[field] = rest.pop(0)
    return out


def _remember(conversation: Conversation, reg: dict) -> None:
    """What the visitor gave for the registration, kept on the conversation at once (never
    asked again in this chat, even if the registration is left unfinished). The email is
    the latest one given, unless the conversation already has its lead."""
    collected = dict(conversation.collected or {})
    for key in ("email", "name", "company", "role", "phone", "industry", "company_size"):
        value = reg.get("email") if key == "email" else reg["answers"].get(key)
        if not value or collected.get(key) == value:
            continue
        if key == "email" and conversation.lead_id and collected.get("email"):
            continue
        if key == "email" or not collected.get(key):
            collected[key] = value
    if collected != (conversation.collected or {}):
        conversation.collected = collected
        conversation.save(update_fields=["collected", "updated_at"])


def _known_lead(conversation: Conversation, email: str):
    visitor = conversation.visitor
    lead = getattr(visitor, "lead", None) if visitor is not None else None
    if lead is not None and email and lead.email_normalized == email.strip().lower():
        return lead
    return None


def _required(event, reg: dict, conversation: Conversation) -> list[str]:
    from events.facade import event_required_fields

    lead = _known_lead(conversation, reg.get("email") or "")
    return list(event_required_fields(event=event, lead=lead))


def _next_field(event, reg: dict, conversation: Conversation) -> str | None:
    if not reg.get("email"):
        return "email"
    for name in _required(event, reg, conversation):
        if not reg["answers"].get(name):
            return name
    return None


def _past_event(conversation: Conversation, event) -> Iterator[dict]:
    """Registration for an event that is over: say so, from its page, with the recording."""
    source = event_source(event, 1, tz_name=(conversation.state or {}).get("tz") or "")
    first = re.split(r"(?<=[.!?])\s+", source["text"])
    text = " ".join(first[:2]).strip() + " [Source 1]"
    public = [{k: source[k] for k in ("n", "title", "url", "type")}]
    yield from _say(conversation, text, sources=public)


def _say(
    conversation: Conversation,
    text: str,
    extra: dict | None = None,
    sources: list[dict] | None = None,
) -> Iterator[dict]:
    for piece in split_tokens(text):
        yield {"type": "token", "text": piece}
    bot = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=text,
        agent="registrar",
        agent_reason="conversational event registration",
        intent="register",
        source=Message.Source.TEMPLATE,
        sources=sources or [],
    )
    if sources:
        yield {"type": "sources", "sources": sources}
    yield {
        "type": "done",
        "conversation_id": str(conversation.pk),
        "message_id": str(bot.pk),
        "agent": "registrar",
        "handoff": False,
        **(extra or {}),
    }


def _save_state(conversation: Conversation, reg: dict | None) -> None:
    state = dict(conversation.state or {})
    if reg is None:
        state.pop("registration", None)
    else:
        state["registration"] = reg
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])


def chat_register_turn(
    *, conversation: Conversation, text: str, event_id: str | None = None, ip: str = ""
) -> Iterator[dict[str, Any]]:
    """One visitor message in the registration dialogue; yields ``token`` and ``done``
    events (``done`` carries ``registration`` with the status once registered)."""
    from events.facade import RegistrationError, event_register, events_live
    from leads.facade import ConsentInput

    conversation.refresh_from_db()
    text = (text or "").strip()
    if text:
        Message.objects.create(
            conversation=conversation, role="user", content=text, intent="register"
        )
    reg = dict((conversation.state or {}).get("registration") or {})
    if event_id and reg.get("event") != str(event_id):
        reg = {}
    if not reg:
        event = (
            next(iter(events_live(uuid=event_id)), None)
            if event_id
            else event_for_page(conversation.page_url)
        )
        if event is None:
            yield from _say(
                conversation,
                "I couldn't find that event, so I can't register "
                "you for it. Which event would you like to attend?",
            )
            return
        if event_over(event):
            yield from _past_event(conversation, event)
            return
        known = conversation.collected or {}
        reg = {
            "event": str(event.uuid),
            "email": known.get("email", ""),
            "answers": {k: str(known[k]) for k in QUESTIONS if k != "email" and known.get(k)},
            "asked": None,
            "waitlist_offered": False,
        }
    else:
        event = next(iter(events_live(uuid=reg["event"])), None)
        if event is None:
            _save_state(conversation, None)
            yield from _say(conversation, "That event is no longer open for registration.")
            return
        if STOP_RE.search(text):
            _save_state(conversation, None)
            yield from _say(
                conversation,
                "No problem, I've stopped the registration. Anything else I can help with?",
            )
            return

    asked = reg.get("asked")
    note = ""
    if asked and asked != "waitlist" and text:
        value = _answer_for(asked, text)
        if value:
            if asked == "email":
                reg["email"] = value
            else:
                reg["answers"][asked] = value
        elif asked == "email":
            note = "That doesn't look like an email address. "
    given = _volunteered(text, asked)
    if asked not in ("company", "role"):
        open_fields = [f for f in _required(event, reg, conversation) if f not in reg["answers"]]
        given.update(_listed(text, given, open_fields))
    for key, value in given.items():
        if key == "email":
            reg["email"] = value  # nothing is registered yet: a new address is a correction
        elif not reg["answers"].get(key):
            reg["answers"][key] = value
    _remember(conversation, reg)
    join_waitlist = asked == "waitlist" and bool(YES_RE.search(text))
    if asked == "waitlist" and not join_waitlist:
        _save_state(conversation, None)
        yield from _say(conversation, "Understood, I haven't added you to the waitlist.")
        return

    field = _next_field(event, reg, conversation)
    if field is not None:
        reg["asked"] = field
        _save_state(conversation, reg)
        opener = "" if asked else f"Happy to register you for “{event.title}”. "
        yield from _say(conversation, note + opener + QUESTIONS[field])
        return
    if not conversation.consent_given:
        reg["asked"] = "consent"
        _save_state(conversation, reg)
        yield from _say(
            conversation,
            "Before I register you, please tick the consent box "
            "below the chat so we may store your details, then say “ready”.",
        )
        return

    consent = ConsentInput(
        data_processing=True,
        method="checkbox",
        wording=conversation.consent_wording,
        page_url=(event.url or "")[:500],
    )
    try:
        result = event_register(
            event_id=event.uuid,
            email=reg["email"],
            consent=consent,
            answers=reg["answers"],
            join_waitlist=join_waitlist,
            visitor=conversation.visitor,
            source="chat",
            ip=ip,
        )
    except RegistrationError as exc:
        if exc.reason == "full" and "join_waitlist" in exc.details and not reg["waitlist_offered"]:
            reg.update(asked="waitlist", waitlist_offered=True)
            _save_state(conversation, reg)
            yield from _say(
                conversation,
                f"“{event.title}” is full. Shall I put you on the "
                "waitlist? We'll email you if a seat frees up.",
            )
            return
        if exc.reason == "invalid" and exc.details:
            bad = next((f for f in exc.details if f in QUESTIONS), None)
            if bad:
                reg["answers"].pop(bad, None)
                if bad == "email":
                    reg["email"] = ""
                reg["asked"] = bad
                _save_state(conversation, reg)
                yield from _say(conversation, f"{exc.details[bad][0]} {QUESTIONS[bad]}")
                return
        _save_state(conversation, None)
        yield from _say(conversation, exc.message)
        return
    # What was given stays on the conversation (never re-asked in this chat); the lead itself
    # was written by the registration service, with its own identity rules.
    _remember(conversation, reg)
    _save_state(conversation, None)
    when = event.starts_at_local.strftime("%A %-d %B at %H:%M %Z")
    if result.status == "registered":
        reply = (
            f"You're registered for “{event.title}” on {when}. We've emailed your "
            f"confirmation with a calendar invite to {reg['email']}."
        )
    else:
        reply = (
            f"“{event.title}” is full, so you're on the waitlist. We'll email "
            f"{reg['email']} if a seat frees up."
        )
    yield from _say(
        conversation,
        reply,
        {"registration": {"status": result.status, "event_id": str(event.uuid)}},
    )
