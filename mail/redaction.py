"""Secrets never rest in readable form: the stored copy of an email has the token of every
one-time or capability link replaced by a marker.

The person receives the real link; the ``OutboundEmail`` row (outbox, export, admin) keeps
``.../continue/[link removed]``. Links covered: "continue where you left off", demo-hold
confirmation, privacy request, newsletter confirm / unsubscribe / preferences, gated
download, event-registration cancel. Tokens appear raw, or URL-encoded inside a tracked
link's ``u=`` parameter; both are caught.
"""

from __future__ import annotations

import re
from urllib.parse import quote

MARKER = "[link removed]"

# Path prefixes whose next path segment(s) are a secret.
SECRET_PREFIXES: tuple[str, ...] = (
    "/continue/",
    "/demo/confirm/",
    "/privacy/requests/",
    "/newsletter/confirm/",
    "/newsletter/preferences/",
    "/api/newsletter/unsubscribe/",
    "/resources/download/",
    "/event-registrations/cancel/",
)

_LINK_CHARS = r"[A-Za-z0-9_\-:.=%/]"


def _pattern(prefix: str) -> str:
    return re.escape(prefix) + _LINK_CHARS + "+"


_RAW = re.compile("|".join(_pattern(p) for p in SECRET_PREFIXES))
_ENCODED = re.compile(
    "|".join(re.escape(quote(p, safe="")) + r"[A-Za-z0-9_\-.%]+" for p in SECRET_PREFIXES)
)


def _raw_sub(match: re.Match) -> str:
    text = match.group(0)
    for prefix in SECRET_PREFIXES:
        if text.startswith(prefix):
            return prefix + MARKER
    return MARKER  # pragma: no cover - every match starts with a prefix


def _encoded_sub(match: re.Match) -> str:
    text = match.group(0)
    for prefix in SECRET_PREFIXES:
        encoded = quote(prefix, safe="")
        if text.startswith(encoded):
            return encoded + quote(MARKER, safe="")
    return quote(MARKER, safe="")  # pragma: no cover


def redact_secret_links(text: str) -> str:
    """``text`` with the token of every secret link replaced by ``MARKER``."""
    if not text:
        return text
    return _ENCODED.sub(_encoded_sub, _RAW.sub(_raw_sub, text))


def redact_headers(headers: dict) -> dict:
    return {key: redact_secret_links(str(value)) for key, value in (headers or {}).items()}
