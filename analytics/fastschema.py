"""The common tracking body decoded and validated in one compiled pass (msgspec).

``analytics.validation.SCHEMAS`` compiled into msgspec structs (one per browser event type,
tagged by ``type``): decoding the body checks its JSON, its shape, every property's type and
bound and the required properties, in C, with no intermediate dicts. It is a strict subset
of what the Python path (``analytics.fastpath.parse_body`` + ``validate_events``) accepts,
and gives the same clean events for it: snake_case keys only (the seed's camelCase, the
seed's ``category``/``lead_id``/``context`` keys, free-form object properties and anything
the structs do not name make it decline), every string within the smallest limit the
Python path applies, no ``\\u`` escape of a NUL or a surrogate (the parser's own checks),
nesting bounded by the structs. ``decode`` returns None for anything else and the caller
goes on with the Python path, which gives the answers (and the per-index errors) it always
has.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Union

import msgspec
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.models import CATEGORY_OF_TYPE, SERVER_ONLY_TYPES
from analytics.serializers import BATCH_ID
from analytics.validation import MAX_BATCH, MAX_FUTURE, MAX_PAST, SCHEMAS, Prop

_UNSET = msgspec.UNSET
_LONGEST = 8000  # the longest string the structs accept (a chat bot_response)
_DEEPEST = 5  # body, events, event, properties, tool_calls
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_ID = Annotated[str, msgspec.Meta(max_length=100)]
_SESSION = Annotated[str, msgspec.Meta(max_length=64)]
_WHEN = Annotated[str, msgspec.Meta(max_length=64)]


def _prop_type(spec: Prop) -> Any:
    if spec.kind == "str":
        return Annotated[str, msgspec.Meta(max_length=spec.max_len)]
    if spec.kind == "num":
        bounds = {}
        if spec.min_value is not None:
            bounds["ge"] = spec.min_value
        if spec.max_value is not None:
            bounds["le"] = spec.max_value
        return Union[  # noqa: UP007 - msgspec reads a Union of Annotated types
            Annotated[int, msgspec.Meta(**bounds)], Annotated[float, msgspec.Meta(**bounds)]
        ]
    if spec.kind == "list":
        item = Annotated[str, msgspec.Meta(max_length=200)]
        return Annotated[list[item], msgspec.Meta(max_length=50)]
    return None  # objects (free-form): left to the Python path


def _event_struct(etype: str, schema: dict[str, Prop]) -> type:
    required, optional = [], []
    for name, spec in schema.items():
        kind = _prop_type(spec)
        if kind is None:
            continue
        if spec.required:
            required.append((name, kind))
        else:
            optional.append((name, kind | msgspec.UnsetType, _UNSET))
    props = msgspec.defstruct(
        f"{etype}_properties",
        [*required, *optional],
        forbid_unknown_fields=True,
        omit_defaults=True,
    )
    # A type with a required property needs the object (a missing or null one is {}).
    properties = ("properties", props) if required else ("properties", props | None, None)
    return msgspec.defstruct(
        etype,
        [
            properties,
            ("session_id", _SESSION | None, None),
            ("occurred_at", _WHEN | None, None),
            ("visitor_id", _ID | None, None),
        ],
        tag_field="type",
        tag=etype,
        forbid_unknown_fields=True,
    )


_EVENTS = tuple(
    _event_struct(etype, schema)
    for etype, schema in SCHEMAS.items()
    if etype not in SERVER_ONLY_TYPES
)
_Event = Union[_EVENTS]  # noqa: UP007
_TYPE_OF = {struct: struct.__struct_config__.tag for struct in _EVENTS}


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    events: Annotated[list[_Event], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
    batch_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    visitor_id: _ID | None = None


_single = msgspec.json.Decoder(_Event)
_batch = msgspec.json.Decoder(_Batch)
_CATEGORY = {etype: str(category) for etype, category in CATEGORY_OF_TYPE.items()}
_TOUCH_KEYS = ("utm_source", "utm_medium", "utm_campaign", "referrer")


def _applies() -> bool:
    """The structs' bounds are within the parser's (settings may lower its limits)."""
    return (
        getattr(settings, "API_JSON_MAX_STRING", 20_000) >= _LONGEST
        and getattr(settings, "API_JSON_MAX_DEPTH", 20) >= _DEEPEST
    )


def decode(raw: bytes) -> tuple[list[dict], str | None, dict[str, str]] | None:
    """(clean events, batch id, first touch) for a body the Python path would accept with
    the same result; None to leave the body to it."""
    if _RISKY_ESCAPE.search(raw) or not _applies():
        return None
    batch_id = None
    try:
        if b'"events"' in raw:
            body = _batch.decode(raw)
            events = body.events
            batch_id = body.batch_id
            if batch_id is not None and not BATCH_ID.match(batch_id):
                return None
        else:
            events = [_single.decode(raw)]
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return None  # a body nested past the C stack's depth is the Python path's 400
    now = timezone.now()
    clean = []
    touch: dict[str, str] | None = None
    for event in events:
        etype = _TYPE_OF[type(event)]
        occurred_at = now
        if event.occurred_at:
            parsed = parse_datetime(event.occurred_at)
            if parsed is None:
                return None
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, dt.UTC)
            if not (now - MAX_PAST <= parsed <= now + MAX_FUTURE):
                return None
            occurred_at = parsed
        props = event.properties
        if touch is None and etype == "page_view":
            touch = _first_touch(props)
        clean.append(
            {
                "type": etype,
                "category": _CATEGORY[etype],
                "properties": msgspec.to_builtins(props) if props is not None else {},
                "session_id": event.session_id or "",
                "occurred_at": occurred_at,
            }
        )
    return clean, batch_id, touch or {}


def _first_touch(props: Any) -> dict[str, str]:
    """``analytics.fastpath.first_touch`` of a decoded page view."""
    if props is None:
        return {}
    touch = {}
    for key in _TOUCH_KEYS:
        value = getattr(props, key)
        if value is not _UNSET:
            touch[key] = value
    landing = props.path or props.url  # UNSET is false, as a missing key's None is
    if landing is not _UNSET:
        touch["landing_page"] = landing
    return touch
