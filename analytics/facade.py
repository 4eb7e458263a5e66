"""The analytics app's public surface: the only module another app imports from
``analytics``.

Recording a server-side interaction, the live dashboard's push and its permission, the
seed's custom metrics (recorded, swept, totalled), the interaction types,
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
    "DASHBOARD_PERMISSION",
    "can_view_dashboard",
    "chat_tables_ready",
    "dashboard_push",
    "dashboard_send",
    "interaction_record",
    "interaction_table",
    "interaction_types",
    "interactions",
    "interactions_attach_to_lead",
    "interactions_seed",
    "metric_ai_satisfaction",
    "metric_conversion",
    "metric_lead_captured",
    "metric_record",
    "metric_totals",
    "metrics_recorded",
    "metrics_sweep",
    "parse_user_agent",
]

# The permission that opens the live sales dashboard (and the forecast beside it).
DASHBOARD_PERMISSION = "analytics.view_sales_dashboard"


def can_view_dashboard(user: Any) -> bool:
    """Whether ``user`` may open the live sales dashboard: active staff with
    ``DASHBOARD_PERMISSION`` (Sales, superusers)."""
    from analytics.dashboard_views import can_view_dashboard as _can

    return _can(user)


# --- the seed's custom metrics (14.2) ----------------------------------------------------------


def metric_record(
    *,
    kind: str,
    value: float | None = None,
    data: dict | None = None,
    lead: Any = None,
    occurred_at: dt.datetime | None = None,
) -> Any:
    """Record a custom metric (``lead_captured``, ``conversion``, ``ai_satisfaction``; no
    personal data in ``data``) and tell the dashboard after commit."""
    from analytics.metrics import metric_record as _record

    return _record(kind=kind, value=value, data=data, lead=lead, occurred_at=occurred_at)


def metric_lead_captured(*, lead: Any, source: str) -> Any:
    from analytics.metrics import metric_lead_captured as _captured

    return _captured(lead=lead, source=source)


def metric_conversion(
    *, lead: Any, conversion_type: str, value: float = 0.0, funnel_stage: str = ""
) -> Any:
    from analytics.metrics import metric_conversion as _conversion

    return _conversion(
        lead=lead, conversion_type=conversion_type, value=value, funnel_stage=funnel_stage
    )


def metric_ai_satisfaction(
    *, conversation_id: Any, satisfaction: int, model: str = "", lead: Any = None
) -> Any:
    """A visitor's 1-5 rating of an AI conversation."""
    from analytics.metrics import metric_ai_satisfaction as _satisfaction

    return _satisfaction(
        conversation_id=conversation_id, satisfaction=satisfaction, model=model, lead=lead
    )


def metrics_sweep(*, since: dt.datetime) -> int:
    """Record the custom metrics from what the other apps stored since ``since`` (lead
    captured, conversions, rated conversations), each once. Returns rows recorded."""
    from analytics.metrics import metrics_sweep as _sweep

    return _sweep(since=since)


def metric_totals(*, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """Leads captured, conversions (count and value) and AI satisfaction (average, count)
    recorded in ``[since, until)``."""
    from analytics.metrics import metric_totals as _totals

    return _totals(since=since, until=until)


def metrics_recorded(*, demo: bool = False) -> bool:
    """Whether any metric (only demo data's, with ``demo``) is recorded."""
    from analytics.models import Metric

    rows = Metric.objects.all()
    if demo:
        rows = rows.filter(data__demo=True)
    return rows.exists()


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
