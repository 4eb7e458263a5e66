"""The analytics app's public surface: the only module another app imports from
``analytics``.

Recording a server-side interaction, the live dashboard's push, the interaction types,
user-agent parsing, and the interaction table for other apps' read-only aggregates
(scores, timelines, behaviours). Only analytics writes interactions, except attaching a
visitor's anonymous history to the lead it became (``interactions_attach_to_lead``).
Foreign keys to analytics stay string labels.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from core.context import RequestContext

__all__ = [
    "chat_tables_ready",
    "dashboard_push",
    "dashboard_send",
    "interaction_record",
    "interaction_table",
    "interaction_types",
    "interactions",
    "interactions_attach_to_lead",
    "interactions_seed",
    "parse_user_agent",
]


def interaction_record(
    *,
    type: str,  # noqa: A002 - the contract's name
    properties: dict,
    visitor: Any | None = None,
    lead: Any | None = None,
    ctx: RequestContext | None = None,
    session_id: str = "",
    occurred_at: dt.datetime | None = None,
) -> Any:
    """Record one server-side event (download, chat, registration, email open/click);
    properties are checked against the type's schema. ``ctx`` (the caller's request
    context) stamps the device, browser, OS and truncated address; none from a task."""
    from analytics.services import interaction_record as _record

    return _record(
        type=type,
        properties=properties,
        visitor=visitor,
        lead=lead,
        ctx=ctx,
        session_id=session_id,
        occurred_at=occurred_at,
    )


def interactions() -> QuerySet:
    """Every stored interaction, for read-only queries (aggregates, timelines)."""
    from analytics.models import Interaction

    return Interaction.objects.all()


def interaction_table() -> str:
    """The interaction table's name, for aggregates written in SQL."""
    from analytics.models import Interaction

    return Interaction._meta.db_table


def interactions_attach_to_lead(*, visitor_id: Any, lead_id: Any) -> int:
    """Attach the visitor's interactions that have no lead yet to ``lead_id``; returns how
    many."""
    from analytics.models import Interaction

    return Interaction.objects.filter(visitor_id=visitor_id, lead__isnull=True).update(
        lead_id=lead_id
    )


def interaction_types() -> set[str]:
    """The interaction types analytics knows."""
    from analytics.models import InteractionType

    return set(InteractionType.values)


def parse_user_agent(*, ua: str) -> dict[str, str]:
    """``{"device", "browser", "os"}`` of a user-agent string (empty strings when unknown)."""
    from analytics.context import parse_user_agent as _parse

    return _parse(ua)


def dashboard_push(*, event: str, data: dict[str, Any]) -> None:
    """Send an event to every live dashboard once the current transaction commits."""
    from analytics.dashboard import dashboard_push as _push

    _push(event, data)


def dashboard_send(*, event: str, data: dict[str, Any]) -> None:
    """Send an event to every live dashboard now (from sync code outside a transaction)."""
    from analytics.dashboard import dashboard_send as _send

    _send(event, data)


def chat_tables_ready() -> bool:
    """Whether the chat app's tables exist (metrics that read them skip otherwise)."""
    from analytics.dashboard import chat_tables_ready as _ready

    return _ready()


def interactions_seed(*, rows: list[dict[str, Any]]) -> None:
    """Store ready-made interactions in one write (demo data loaders); each row holds the
    model's fields (``type``, ``category``, ``visitor``, ``lead``, ``properties``, ...)."""
    from analytics.models import Interaction

    Interaction.objects.bulk_create([Interaction(**row) for row in rows])
