"""The one JSON parser for every API view: strict, bounded, and never a 500.

DRF's ``JSONParser`` hands hostile bodies straight to the application: ~10 KB of nested
brackets raises ``RecursionError`` (a 500), a lone surrogate (``"\\ud800"``) is a valid JSON
string that no UTF-8 encoder or database accepts, and a NUL byte is refused by PostgreSQL
only when the row is written. This parser refuses all of them up front with a 400 in the
contract's shape (``{"error": "Invalid input.", "details": {"body": [...]}}``):

- the body must be UTF-8 JSON; ``NaN``/``Infinity`` are refused (not JSON);
- nesting deeper than ``API_JSON_MAX_DEPTH`` (objects and arrays) is refused;
- no string (key or value) may hold a NUL character or a lone surrogate;
- no string may be longer than ``API_JSON_MAX_STRING`` characters (fields have their own,
  smaller limits in their serializers);
- the body's top level must be an object (every endpoint takes an object; batch endpoints
  wrap their list, e.g. ``{"events": [...]}``);
- the seed's camelCase keys are mapped to the API's snake_case names (below).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from rest_framework import parsers, serializers

_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse(message: str) -> serializers.ValidationError:
    return serializers.ValidationError({"body": [message]})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON.")


def check_value(value: Any, *, max_depth: int, max_string: int) -> None:
    """Walk ``value`` without recursion; raise ``ValidationError`` on the first bad part."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_string(item, max_string=max_string)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise _refuse(f"Nested deeper than {max_depth} levels.")
            if isinstance(item, dict):
                for key, child in item.items():
                    check_string(key, max_string=max_string)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def check_string(text: str, *, max_string: int) -> None:
    if len(text) > max_string:
        raise _refuse(f"A string is longer than {max_string} characters.")
    if "\x00" in text:
        raise _refuse("Strings may not contain NUL characters.")
    if _SURROGATE.search(text):
        raise _refuse("Strings may not contain unpaired surrogates (invalid Unicode).")


def parse_json_body(raw: bytes | str) -> dict[str, Any]:
    """Decode and check one API body; the parsed object or ``ValidationError``."""
    max_depth = getattr(settings, "API_JSON_MAX_DEPTH", 20)
    max_string = getattr(settings, "API_JSON_MAX_STRING", 20_000)
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refuse("The body is not UTF-8.") from exc
    else:
        text = raw
    if "\x00" in text:
        raise _refuse("The body may not contain NUL bytes.")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise _refuse(f"Nested deeper than {max_depth} levels.") from exc
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise _refuse(f"Not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _refuse("Send a JSON object.")
    check_value(data, max_depth=max_depth, max_string=max_string)
    return snake_body(data)


class StrictJSONParser(parsers.JSONParser):
    """``DEFAULT_PARSER_CLASSES``' only entry: ``application/json`` through
    :func:`parse_json_body`."""

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        raw = stream.read() if stream is not None else b""
        if not raw:
            raise _refuse("Send a JSON object.")
        return parse_json_body(raw)


# --- The seed's camelCase -------------------------------------------------------------------
#
# Clients written to the seed's contract send camelCase keys (``dataProcessing``,
# ``sessionId``, ``scheduledFor``, ``dateFrom``); the API's own names are snake_case. This is
# the one place that maps them: every top-level key of a JSON body (and of a query string,
# via ``snake_query``), and the keys of objects one level down (``consent``,
# ``registration``, each item of ``events``/``speakers``/``agenda``), become snake_case.
# Free-form objects (``properties``, ``context``, ``answers``, ``profile_extra``) keep their
# keys as sent. A key given in both spellings is refused (400).

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_FREE_FORM = frozenset({"properties", "context", "answers", "profile_extra", "metadata"})


def snake(key: str) -> str:
    """``dataProcessing`` -> ``data_processing``; other keys unchanged."""
    if not key[:1].islower() or key.lower() == key:
        return key
    return _CAMEL.sub(r"_\1", key).lower()


def _snake_dict(data: dict[str, Any], *, nested: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = snake(key)
        if name in out:
            raise _refuse(f"'{key}' is given twice (as {name} too).")
        if nested and name not in _FREE_FORM:
            if isinstance(value, dict):
                value = _snake_dict(value, nested=False)
            elif isinstance(value, list):
                value = [
                    _snake_dict(item, nested=False) if isinstance(item, dict) else item
                    for item in value
                ]
        out[name] = value
    return out


def snake_body(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed body with the seed's camelCase keys mapped (see above)."""
    return _snake_dict(data, nested=True)


def snake_query(params) -> dict[str, str]:
    """A query string (``QueryDict``) as ``{snake_key: last value}``."""
    out: dict[str, str] = {}
    for key in params:
        name = snake(key)
        if name in out:
            raise _refuse(f"'{key}' is given twice (as {name} too).")
        out[name] = params.get(key)
    return out


def seed_consent(raw: Any) -> Any:
    """The seed's consent shapes in this API's: ``true`` is consent to data processing, and
    ``{given, data_processing?, marketing?}``'s ``given`` stands for data processing when
    that is not sent on its own. Anything else is returned as sent (and refused by the
    serializer that reads it)."""
    if raw is True:
        return {"data_processing": True}
    if isinstance(raw, dict) and "given" in raw:
        out = {k: v for k, v in raw.items() if k != "given"}
        out.setdefault("data_processing", raw["given"])
        return out
    return raw
