"""Per-type validation of tracked events (no Django forms: this is the ingestion hot path).

``validate_events`` returns clean dicts or raises ``EventsInvalid`` (an
``ApplicationError``) whose ``details`` are ``{"events": {index: {field: [messages]}}}`` so
a whole batch is refused with per-index errors.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.models import CATEGORY_OF_TYPE, SERVER_ONLY_TYPES
from core.errors import ApplicationError

MAX_BATCH = 100
MAX_PAST = dt.timedelta(days=1)
MAX_FUTURE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Prop:
    kind: str  # str | num | list | dict | bool
    required: bool = False
    max_len: int = 500
    min_value: float | None = None
    max_value: float | None = None


_PAGE = {
    "url": Prop("str", max_len=2000),
    "path": Prop("str", max_len=500),
    "referrer": Prop("str", max_len=2000),
    "title": Prop("str", max_len=300),
}
_UTM = {
    "utm_source": Prop("str", max_len=100),
    "utm_medium": Prop("str", max_len=100),
    "utm_campaign": Prop("str", max_len=200),
}
_DURATION = Prop("num", min_value=0, max_value=86400)

SCHEMAS: dict[str, dict[str, Prop]] = {
    "page_view": {**_PAGE, **_UTM, "duration": _DURATION},
    "page_exit": {**_PAGE, "duration": Prop("num", True, min_value=0, max_value=86400)},
    "click": {
        **_PAGE,
        "element_type": Prop("str", max_len=50),
        "element_id": Prop("str", max_len=200),
        "element_text": Prop("str", max_len=300),
    },
    "scroll": {**_PAGE, "scroll_depth": Prop("num", True, min_value=0, max_value=100)},
    "form_start": {**_PAGE, "form": Prop("str", True, max_len=100)},
    "form_submit": {**_PAGE, "form": Prop("str", True, max_len=100)},
    "resource_download": {
        **_PAGE,
        "resource_id": Prop("str", True, max_len=100),
        "resource_type": Prop("str", max_len=50),
    },
    "newsletter_signup": {**_PAGE, "list": Prop("str", max_len=100)},
    "event_register": {**_PAGE, "event_id": Prop("str", True, max_len=100)},
    "chat_message": {
        "conversation_id": Prop("str", max_len=100),
        "message": Prop("str", True, max_len=4000),
        "bot_response": Prop("str", max_len=8000),
    },
    "chat_tool_call": {
        "conversation_id": Prop("str", max_len=100),
        "tool_calls": Prop("list", True),
    },
    "email_open": {"email_id": Prop("str", True, max_len=100)},
    "email_click": {
        "email_id": Prop("str", True, max_len=100),
        "link_clicked": Prop("str", max_len=2000),
    },
    "roi_calculate": {
        **_PAGE,
        "inputs": Prop("dict"),
        "result": Prop("dict"),
    },
    "assessment_complete": {
        **_PAGE,
        "assessment_id": Prop("str", max_len=100),
        "score": Prop("num", min_value=0, max_value=100),
        "answers": Prop("dict"),
    },
    # Server-recorded: minutes/source/action travel as trusted extra properties.
    "event_attended": {"event_id": Prop("str", True, max_len=100)},
}
assert set(SCHEMAS) == set(CATEGORY_OF_TYPE)

EVENT_KEYS = {"type", "properties", "session_id", "occurred_at", "visitor_id"}
# The seed's §6.1.3 body also carries ``category`` (must match the type's), ``lead_id``
# (null: a lead is known from the visitor cookie, never from the client's word) and
# ``context`` (its page keys fill the page properties; agent and address come from the
# request itself).
SEED_EVENT_KEYS = {"category", "lead_id", "context"}
_CONTEXT_PAGE_KEYS = ("url", "path", "referrer", "title")


_NUMBER = (int, float)


def _check_prop(spec: Prop, value: Any) -> str | None:
    kind = spec.kind
    if kind == "str":
        if type(value) is not str:
            return "Must be a string."
        if len(value) > spec.max_len:
            return f"At most {spec.max_len} characters."
        return None
    if kind == "num":
        if type(value) not in _NUMBER:
            return "Must be a number."
        if type(value) is float and not math.isfinite(value):
            return "Must be a finite number."
        if spec.min_value is not None and value < spec.min_value:
            return f"Must be at least {spec.min_value:g}."
        if spec.max_value is not None and value > spec.max_value:
            return f"Must be at most {spec.max_value:g}."
        return None
    if kind == "list":
        if type(value) is not list or not all(type(v) is str and len(v) <= 200 for v in value):
            return "Must be a list of strings."
        if len(value) > 50:
            return "At most 50 items."
        return None
    if kind == "dict":
        if type(value) is not dict:
            return "Must be an object."
        if len(value) > 50:
            return "At most 50 keys."
    return None


def validate_event(
    event: Any, *, strict: bool = True, now: dt.datetime | None = None
) -> tuple[dict, dict[str, list[str]]]:
    """One event -> (clean event, errors). ``strict`` refuses unknown keys (public API)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(event, dict):
        return {}, {"non_field_errors": ["Each event must be an object."]}
    etype = event.get("type")
    if (
        not isinstance(etype, str)
        or etype not in SCHEMAS
        or (strict and etype in SERVER_ONLY_TYPES)
    ):
        errors["type"] = [f"Unknown event type: {str(etype)[:50]!r}."]
        return {}, errors
    if strict:
        unknown = set(event) - EVENT_KEYS - SEED_EVENT_KEYS
        if unknown:
            errors["non_field_errors"] = [f"Unknown keys: {', '.join(sorted(unknown))[:200]}."]
    props = event.get("properties", {})
    if props is None:
        props = {}
    if not isinstance(props, dict):
        errors["properties"] = ["Must be an object."]
        props = {}
    schema = SCHEMAS[etype]
    category = event.get("category")
    if category not in (None, "", CATEGORY_OF_TYPE[etype]):
        errors["category"] = [f"The category of {etype} is {CATEGORY_OF_TYPE[etype]!r}."]
    if event.get("lead_id") is not None:
        errors["lead_id"] = ["Send null: the lead is known from the visitor, not the client."]
    context = event.get("context")
    if context is not None and not isinstance(context, dict):
        errors["context"] = ["Must be an object."]
    elif context:
        props = dict(props)
        for key in _CONTEXT_PAGE_KEYS:
            if key in schema and key not in props and isinstance(context.get(key), str):
                props[key] = context[key]
    clean_props: dict[str, Any] = {}
    for name, value in props.items():
        spec = schema.get(name)
        if spec is None:
            if strict:
                errors[f"properties.{name}"] = ["Unknown property for this event type."]
            else:
                clean_props[name] = value
            continue
        msg = _check_prop(spec, value)
        if msg:
            errors[f"properties.{name}"] = [msg]
        else:
            clean_props[name] = value
    for name, spec in schema.items():
        if spec.required and name not in props:
            errors[f"properties.{name}"] = ["This field is required."]
    session_id = event.get("session_id", "") or ""
    if not isinstance(session_id, str) or len(session_id) > 64:
        errors["session_id"] = ["Must be a string of at most 64 characters."]
        session_id = ""
    now = now or timezone.now()
    occurred_at = now
    raw_time = event.get("occurred_at")
    if raw_time not in (None, ""):
        parsed = parse_datetime(raw_time) if isinstance(raw_time, str) else None
        if parsed is None:
            errors["occurred_at"] = ["Must be an ISO 8601 date-time."]
        else:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, dt.UTC)
            if strict and not (now - MAX_PAST <= parsed <= now + MAX_FUTURE):
                errors["occurred_at"] = ["Must be within the last 24 hours."]
            occurred_at = parsed
    if errors:
        return {}, errors
    return {
        "type": etype,
        "category": CATEGORY_OF_TYPE[etype],
        "properties": clean_props,
        "session_id": session_id,
        "occurred_at": occurred_at,
    }, {}


def validate_events(events: Any, *, strict: bool = True) -> list[dict]:
    """Validate a batch; any invalid event refuses the batch with per-index errors."""
    if not isinstance(events, list):
        raise EventsInvalid({"events": ["Must be a list of events."]})
    if not events:
        raise EventsInvalid({"events": ["At least one event is required."]})
    if len(events) > MAX_BATCH:
        raise EventsInvalid({"events": [f"At most {MAX_BATCH} events per request."]})
    now = timezone.now()
    clean: list[dict] = []
    errors: dict[str, Any] = {}
    for index, event in enumerate(events):
        item, item_errors = validate_event(event, strict=strict, now=now)
        if item_errors:
            errors[str(index)] = item_errors
        else:
            clean.append(item)
    if errors:
        raise EventsInvalid({"events": errors})
    return clean


class EventsInvalid(ApplicationError):
    """A refused batch; ``details`` is ``{"events": {index: {field: [messages]}}}`` or
    ``{"events": [messages]}`` for the batch as a whole."""

    def __init__(self, details: dict[str, Any]):
        super().__init__("Invalid events.", details)
