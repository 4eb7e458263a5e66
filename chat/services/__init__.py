"""Writes of the chat app, one module per concern: conversations (consent, profile,
hand-off, staff replies), turn (one turn of the assistant), booking (confirmations),
resources and analysis. Callers import from ``chat.services``."""

from chat.scheduling import demo_holds_expire
from chat.services.analysis import conversation_analyse
from chat.services.booking import chat_confirm, chat_pick_slot, demo_hold_confirmed
from chat.services.conversations import (
    CONSENT_WORDING,
    LEAD_FIELDS,
    STAFF_GROUP,
    ChatInputError,
    broadcast_on_commit,
    conversation_correct_email,
    conversation_escalate,
    conversation_open,
    conversation_queue_followup,
    conversation_rate,
    conversation_set_consent,
    conversation_store_profile,
    handoff_resume_if_unanswered,
    message_public,
    staff_reply,
)
from chat.services.registration import chat_register_turn, registration_wanted
from chat.services.resources import resource_send
from chat.services.turn import chat_resume, chat_turn, enqueue_analysis, validate_text

__all__ = [
    "CONSENT_WORDING",
    "LEAD_FIELDS",
    "STAFF_GROUP",
    "ChatInputError",
    "broadcast_on_commit",
    "chat_confirm",
    "chat_pick_slot",
    "chat_register_turn",
    "chat_resume",
    "chat_turn",
    "conversation_analyse",
    "conversation_correct_email",
    "conversation_escalate",
    "conversation_queue_followup",
    "handoff_resume_if_unanswered",
    "conversation_open",
    "conversation_rate",
    "conversation_set_consent",
    "demo_hold_confirmed",
    "demo_holds_expire",
    "conversation_store_profile",
    "enqueue_analysis",
    "message_public",
    "registration_wanted",
    "resource_send",
    "staff_reply",
    "validate_text",
]
