"""The chat app's public surface: the only module another app imports from ``chat``.

Read-only views of conversations and demo bookings for the dashboard, alerts, metrics,
the CRM sync, Slack hand-offs and subject-access searches. Foreign keys to chat stay
string labels (``"chat.Conversation"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

__all__ = [
    "BookingInfo",
    "ChatCounts",
    "ConversationDigest",
    "Handoff",
    "booking_info",
    "chat_counts",
    "conversation_ids_where",
    "conversation_ids_with_messages_where",
    "handoff",
    "latest_conversation_digest",
    "rated_conversations",
    "tables_exist",
]


@dataclass(frozen=True)
class ChatCounts:
    active_chats: int
    demos_booked: int
    satisfaction_avg: float | None
    satisfaction_n: int


@dataclass(frozen=True)
class Handoff:
    """A conversation handed to a person, and who it is with."""

    conversation_id: Any
    reason: str
    lead_name: str
    lead_company: str
    lead_email: str


@dataclass(frozen=True)
class ConversationDigest:
    """The chat analysis of a lead's latest conversation."""

    n_messages: int
    status_label: str
    primary_intent: str
    sentiment: str
    urgency: str
    qualification_progress: float
    next_action: str


@dataclass(frozen=True)
class BookingInfo:
    id: Any
    lead_id: Any
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


def tables_exist(*, table_names: set[str]) -> bool:
    """Whether the conversation and booking tables are among ``table_names``."""
    from chat.models import Conversation, DemoBooking

    return Conversation._meta.db_table in table_names and DemoBooking._meta.db_table in table_names


def chat_counts(*, since: datetime, until: datetime) -> ChatCounts:
    """Chats started, demos confirmed and conversation ratings in ``[since, until)``."""
    from django.db.models import Avg, Count

    from chat.models import Conversation, DemoBooking

    rated = Conversation.objects.filter(
        started_at__gte=since, started_at__lt=until, satisfaction__isnull=False
    ).aggregate(avg=Avg("satisfaction"), n=Count("pk"))
    return ChatCounts(
        active_chats=Conversation.objects.filter(
            started_at__gte=since, started_at__lt=until
        ).count(),
        demos_booked=DemoBooking.objects.filter(
            status="confirmed", created_at__gte=since, created_at__lt=until
        ).count(),
        satisfaction_avg=rated["avg"],
        satisfaction_n=rated["n"],
    )


def handoff(*, conversation_id: Any) -> Handoff:
    """The hand-off of this conversation (raises ``DoesNotExist`` when there is none)."""
    from chat.models import Conversation

    conversation = Conversation.objects.select_related("lead").get(pk=conversation_id)
    lead = conversation.lead
    return Handoff(
        conversation_id=conversation.pk,
        reason=conversation.escalation_reason,
        lead_name=getattr(lead, "name", ""),
        lead_company=getattr(lead, "company", ""),
        lead_email=getattr(lead, "email", ""),
    )


def latest_conversation_digest(*, lead_id: Any) -> ConversationDigest | None:
    """The analysis of the lead's latest conversation, or None when it has none."""
    from django.db.models import Count

    from chat.models import Conversation

    conv = (
        Conversation.objects.filter(lead_id=lead_id)
        .annotate(n_messages=Count("messages"))
        .order_by("-started_at")
        .first()
    )
    if conv is None:
        return None
    return ConversationDigest(
        n_messages=conv.n_messages,
        status_label=conv.get_status_display(),
        primary_intent=conv.primary_intent,
        sentiment=conv.sentiment,
        urgency=conv.urgency,
        qualification_progress=conv.qualification_progress,
        next_action=conv.next_action,
    )


def rated_conversations(*, updated_since: datetime) -> list[tuple[Any, Any, int, datetime]]:
    """``(id, lead_id, satisfaction, updated_at)`` of conversations rated and updated since."""
    from chat.models import Conversation

    return list(
        Conversation.objects.filter(
            updated_at__gte=updated_since, satisfaction__isnull=False
        ).values_list("pk", "lead_id", "satisfaction", "updated_at")
    )


def booking_info(*, booking_id: Any) -> BookingInfo | None:
    """A demo booking's times, lead and whether it was cancelled; None when unknown."""
    from chat.models import DemoBooking

    booking = DemoBooking.objects.filter(pk=booking_id).first()
    if booking is None:
        return None
    return BookingInfo(
        id=booking.pk,
        lead_id=booking.lead_id,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        cancelled=booking.status == DemoBooking.Status.CANCELLED,
    )


def conversation_ids_with_messages_where(*, where: Q) -> QuerySet:
    """A subquery of the ids of conversations with a message matching ``where`` (a ``Q`` on
    ``Message`` fields such as ``content``)."""
    from chat.models import Message

    return Message.objects.filter(where).values("conversation_id")


def conversation_ids_where(*, where: Q) -> QuerySet:
    """A subquery of the ids of every conversation (including hidden ones) matching
    ``where`` (a ``Q`` on ``Conversation`` fields)."""
    from chat.models import Conversation

    return Conversation._base_manager.filter(where).values("pk")
