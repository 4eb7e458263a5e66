"""Server-side tools the model may ask for. The model proposes; the server decides.

Every call is checked against the tool's JSON schema (types, enums, lengths, no unknown
arguments) and against the conversation it belongs to: ``save_lead`` only ever touches this
conversation's own lead and never consent; ``book_demo`` only creates a pending action that
the visitor confirms with a button; unknown tools are refused. Refusals are logged and stored
with the message, and change nothing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from chat import slots as slotlib
from chat.models import Conversation
from chat.scheduling import ToolRefused, demo_book, demo_slots_open  # noqa: F401 - re-exported
from ementech.ai.providers.base import ToolCall, ToolSpec

log = logging.getLogger("chat.tools")

_STR = {"type": "string", "maxLength": 200}
_LIST = {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 10}

SAVE_LEAD = ToolSpec(
    name="save_lead",
    description=(
        "Save what the visitor told you about themselves to their own record. Only values the "
        "visitor stated. Cannot change consent."
    ),
    parameters={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "email": {"type": "string", "maxLength": 254},
            "name": _STR,
            "company": _STR,
            "role": _STR,
            "authority": {"type": "string", "enum": ["decision_maker", "influencer", "user"]},
            "budget": {"type": "string", "enum": list(slotlib.BUDGET_CHOICES)},
            "timeline": {"type": "string", "enum": list(slotlib.TIMELINE_CHOICES)},
            "pain_points": _LIST,
            "tech_stack": _LIST,
            "industry": {"type": "string", "maxLength": 100},
            "company_size": {
                "type": "string",
                "enum": ["1-10", "11-50", "51-200", "201-500", "500+"],
            },
            "team_size": {"type": "integer", "minimum": 1, "maximum": 1000000},
            "phone": {"type": "string", "maxLength": 20},
        },
    },
)
SEND_RESOURCE = ToolSpec(
    name="send_resource",
    description="Email a resource from our site (by its page id) to the visitor's own address.",
    parameters={
        "type": "object",
        "additionalProperties": False,
        "required": ["resource_id"],
        "properties": {"resource_id": {"type": "string", "maxLength": 40}, "reason": _STR},
    },
)
PROPOSE_SLOTS = ToolSpec(
    name="propose_slots",
    description=(
        "List open demo slots with our Sales team, in the visitor's time zone; pass the day "
        "and part of day they asked for, and the IANA zone (\"zone\") only when they named a "
        "time in a zone other than their own (\"2pm EAT\")."
    ),
    parameters={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "weekday": {"type": "string", "enum": [
                "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            ]},
            "part_of_day": {"type": "string", "enum": ["morning", "afternoon", "evening"]},
            "after_hour": {"type": "string", "maxLength": 2},
            "zone": {"type": "string", "maxLength": 40},
        },
    },
)  # fmt: skip
BOOK_DEMO = ToolSpec(
    name="book_demo",
    description=(
        "Ask to book one of the proposed demo slots. The visitor must confirm it with a button "
        "before anything is booked."
    ),
    parameters={
        "type": "object",
        "additionalProperties": False,
        "required": ["slot_id"],
        "properties": {"slot_id": {"type": "string", "maxLength": 80}, "reason": _STR},
    },
)
CONNECT_HUMAN = ToolSpec(
    name="connect_human",
    description=(
        "Ask for a person from our Sales team: they join the chat when one is online, "
        "otherwise they reply by email and you keep helping."
    ),
    parameters={
        "type": "object",
        "additionalProperties": False,
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "maxLength": 300}},
    },
)
ALL_TOOLS = {t.name: t for t in (SAVE_LEAD, SEND_RESOURCE, PROPOSE_SLOTS, BOOK_DEMO, CONNECT_HUMAN)}
TOOLS_FOR_AGENT = {
    "researcher": ["save_lead", "send_resource", "connect_human"],
    "consultant": ["save_lead", "send_resource", "connect_human"],
    "qualifier": ["save_lead", "connect_human"],
    "scheduler": ["save_lead", "propose_slots", "book_demo", "connect_human"],
}


@dataclass
class ToolOutcome:
    call: ToolCall
    status: str  # executed | refused | pending
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.call.id,
            "name": self.call.name,
            "arguments": self.call.arguments
            if self.call.arguments is not None
            else {"_raw": self.call.raw[:500]},
            "status": self.status,
            "result": self.result,
            "error": self.error,
        }

    def for_model(self) -> dict[str, Any]:
        if self.status == "refused":
            return {"error": f"refused: {self.error}"}
        return self.result


# --- validation ---------------------------------------------------------------------------


def validate_args(schema: dict, args: Any, path: str = "") -> list[str]:
    """A small JSON-schema check: object/string/integer/array, enum, lengths, required,
    additionalProperties false. Returns error messages (empty when valid)."""
    errs: list[str] = []
    kind = schema.get("type")
    where = path or "arguments"
    if kind == "object":
        if not isinstance(args, dict):
            return [f"{where}: must be an object"]
        props = schema.get("properties", {})
        for req in schema.get("required", []):
            if req not in args:
                errs.append(f"{where}.{req}: required")
        for key, value in args.items():
            if key not in props:
                if schema.get("additionalProperties") is False:
                    errs.append(f"{where}.{key}: unknown argument")
                continue
            errs += validate_args(props[key], value, f"{where}.{key}")
    elif kind == "string":
        if not isinstance(args, str):
            return [f"{where}: must be a string"]
        if len(args) > schema.get("maxLength", 10_000):
            errs.append(f"{where}: too long")
        if "enum" in schema and args not in schema["enum"]:
            errs.append(f"{where}: must be one of {schema['enum']}")
    elif kind == "integer":
        if not isinstance(args, int) or isinstance(args, bool):
            return [f"{where}: must be an integer"]
        if args < schema.get("minimum", args) or args > schema.get("maximum", args):
            errs.append(f"{where}: out of range")
    elif kind == "array":
        if not isinstance(args, list):
            return [f"{where}: must be a list"]
        if len(args) > schema.get("maxItems", 1000):
            errs.append(f"{where}: too many items")
        for i, item in enumerate(args):
            errs += validate_args(schema.get("items", {}), item, f"{where}[{i}]")
    return errs


# --- execution ----------------------------------------------------------------------------


def tool_execute(
    *, conversation: Conversation, call: ToolCall, allowed: list[str], ip: str = ""
) -> ToolOutcome:
    """Validate then run one call for ``conversation``; refusals are logged, never raised."""
    try:
        if call.name not in ALL_TOOLS:
            raise ToolRefused(f"unknown tool {call.name!r}")
        if call.name not in allowed:
            raise ToolRefused(f"tool {call.name!r} is not available to this agent")
        if call.arguments is None:
            raise ToolRefused("arguments are not a JSON object")
        errors = validate_args(ALL_TOOLS[call.name].parameters, call.arguments)
        if errors:
            raise ToolRefused("; ".join(errors))
        handler = _HANDLERS[call.name]
        return handler(conversation, call, ip)
    except ToolRefused as exc:
        log.warning(
            "tool call refused",
            extra={"conversation": str(conversation.pk), "tool": call.name, "reason": str(exc)},
        )
        return ToolOutcome(call=call, status="refused", error=str(exc))


def _user_texts(conversation: Conversation) -> str:
    """What the visitor typed, with addresses they dictated ("purity at x dot co dot ke")
    written out as the slot reader writes them."""
    from ementech.ai.parsers import written_emails

    return "\n".join(
        written_emails(text, asked=True)
        for text in conversation.messages.filter(role="user").values_list("content", flat=True)
    ).lower()


def _save_lead(conversation: Conversation, call: ToolCall, ip: str) -> ToolOutcome:
    from chat.services import conversation_correct_email, conversation_store_profile

    args = {k: v for k, v in call.arguments.items() if v not in ("", None, [])}
    email = args.get("email")
    correction = None
    if email:
        from ementech.ai.parsers import find_emails

        if find_emails(email.strip()) != [email.strip().lower()]:
            raise ToolRefused("email is not a valid address")
        args["email"] = email = email.strip().lower()
        if email not in _user_texts(conversation):
            raise ToolRefused("the visitor did not give this email in this conversation")
        if conversation.lead_id and conversation.lead.email_normalized != email:
            # A new address once the lead exists is a correction, never a second lead;
            # whatever else the visitor said this turn is still saved.
            correction = args.pop("email")
    if not args and correction is None:
        raise ToolRefused("nothing to save")
    before = (conversation.collected or {}).get("email")
    result: dict[str, Any] = {"accepted": {}, "saved": True, "held": None}
    if args:
        result = conversation_store_profile(conversation=conversation, values=args, ip=ip)
        if before and "email" in args and email != before:  # no lead yet, or only a claim
            result["email_corrected"] = email
    if correction is not None:
        result.update(
            conversation_correct_email(conversation=conversation, email=correction, ip=ip)
        )
    return ToolOutcome(call=call, status="executed", result=result)


def _send_resource(conversation: Conversation, call: ToolCall, ip: str) -> ToolOutcome:
    from chat.services import resource_send

    if not conversation.lead_id:
        raise ToolRefused("no saved email for this conversation yet")
    result = resource_send(conversation=conversation, resource_id=call.arguments["resource_id"])
    return ToolOutcome(call=call, status="executed", result=result)


def _propose_slots(conversation: Conversation, call: ToolCall, ip: str) -> ToolOutcome:
    from chat.scheduling import demo_slots_for

    tz_name = (conversation.state or {}).get("tz") or ""
    result = demo_slots_for(preference=dict(call.arguments), tz_name=tz_name)
    state = dict(conversation.state)
    state["offered_slots"] = result["slots"]
    if call.arguments:
        state["slot_pref"] = dict(call.arguments)
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    return ToolOutcome(call=call, status="executed", result=result)


def _book_demo(conversation: Conversation, call: ToolCall, ip: str) -> ToolOutcome:
    slot_id = call.arguments["slot_id"]
    offered = {s["id"]: s for s in conversation.state.get("offered_slots") or []}
    if slot_id not in offered:
        raise ToolRefused("slot was not offered in this conversation")
    if not conversation.contact_saved:
        raise ToolRefused("the visitor's details are not saved yet")
    action_id = uuid.uuid4().hex
    state = dict(conversation.state)
    state["pending"] = {
        "action_id": action_id,
        "tool": "book_demo",
        "slot": offered[slot_id],
        "reason": call.arguments.get("reason", ""),
    }
    conversation.state = state
    conversation.save(update_fields=["state", "updated_at"])
    return ToolOutcome(
        call=call,
        status="pending",
        result={
            "status": "needs_confirmation",
            "action_id": action_id,
            "label": offered[slot_id]["label"],
        },
    )


def _connect_human(conversation: Conversation, call: ToolCall, ip: str) -> ToolOutcome:
    """A person joins live when a Sales user is online; otherwise the request goes to the
    sales queue, the visitor is promised an email reply and the assistant keeps helping."""
    from chat.presence import sales_online
    from chat.services import conversation_escalate, conversation_queue_followup

    if sales_online():
        conversation_escalate(conversation=conversation, reason=call.arguments["reason"])
        return ToolOutcome(call=call, status="executed", result={"ok": True, "live": True})
    conversation_queue_followup(conversation=conversation, reason=call.arguments["reason"])
    return ToolOutcome(call=call, status="executed", result={"ok": True, "live": False})


_HANDLERS = {
    "save_lead": _save_lead,
    "send_resource": _send_resource,
    "propose_slots": _propose_slots,
    "book_demo": _book_demo,
    "connect_human": _connect_human,
}
