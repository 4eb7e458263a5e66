"""A conversation belongs to the browser that opened it (issue 13, DESIGN "Identity").

A conversation id alone is not a credential: it shows up in staff feeds, notifications and
admin URLs. The browser that opens a conversation gets a *conversation token*, the id
signed with the secret key (``<id>:<signature>``), from the first ``joined`` event (WebSocket)
or ``conversation`` event (HTTP), and, over HTTP, in the HttpOnly ``em_chat`` cookie. Every
HTTP turn and every socket join must show one of:

- that token (in the body, the ``join`` frame, or the ``em_chat`` cookie), or
- the signed ``em_vid`` visitor cookie of the visitor the conversation was opened for.

Sales staff (``core.permissions.is_sales``) may join a conversation's socket to read it;
nobody else may. This module is pure: it reads, never writes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core import signing

from chat.models import Conversation

CHAT_COOKIE = "em_chat"
CHAT_COOKIE_MAX_AGE = 60 * 60 * 24 * 30
_SALT = "chat.conversation.owner"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


def conversation_token(conversation_id: Any) -> str:
    """The owner's token for this conversation."""
    return _signer().sign(str(conversation_id))


def token_conversation_id(token: Any) -> uuid.UUID | None:
    """The conversation id a token was issued for; None when missing or forged."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        return uuid.UUID(_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def is_owner(
    conversation: Conversation,
    *,
    tokens: tuple[Any, ...] = (),
    visitor_id: uuid.UUID | None = None,
) -> bool:
    """Whether a client showing ``tokens`` (from the body, frame or cookie) and the signed
    visitor id ``visitor_id`` is the browser that opened ``conversation``."""
    if any(token_conversation_id(t) == conversation.pk for t in tokens):
        return True
    return visitor_id is not None and conversation.visitor_id == visitor_id
