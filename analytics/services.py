"""Writes of the analytics app: recording interactions (the ingestion fast path).

The request only validates, stamps the context and bulk-inserts; behaviours, triggers and
stage checks run in Celery (``leads.tasks.process_lead_events``) after commit.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connections, transaction
from django.http import HttpRequest
from django.utils import timezone

from analytics.context import request_context
from analytics.models import Interaction
from analytics.validation import EventsInvalid, validate_event, validate_events
from ementech.queue import enqueue

__all__ = ["EventsInvalid", "interaction_record", "interactions_insert", "interactions_record"]


def _lead_id_of(visitor: Any, lead: Any) -> Any:
    if lead is not None:
        return lead.pk
    if visitor is not None:
        return visitor.lead_id
    return None


def _schedule(lead_id: Any) -> None:
    if lead_id is None:
        return
    from leads.tasks import process_lead_events

    enqueue(process_lead_events, str(lead_id))


@transaction.atomic
def interactions_record(
    *,
    events: list[dict],
    visitor: Any | None,
    lead: Any | None = None,
    request: HttpRequest | None = None,
    strict: bool = True,
) -> list[Interaction]:
    """Validate ``events`` (all or nothing, per-index errors) and bulk-insert them.

    ``lead`` defaults to the visitor's lead, so events of an identified visitor are
    attributed at once; anonymous events are attributed when the visitor identifies.
    """
    clean = validate_events(events, strict=strict)
    return interactions_insert(clean=clean, visitor=visitor, lead=lead, request=request)


def interactions_insert(
    *,
    clean: list[dict],
    visitor: Any | None,
    lead: Any | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Insert events already checked by ``validate_events`` (the API's fast path) and
    return how many were stored.

    On PostgreSQL the rows go in with one ``COPY`` (a single atomic statement, no model
    instances); elsewhere through ``bulk_create``.
    """
    context = request_context(request)
    lead_id = _lead_id_of(visitor, lead)
    visitor_id = visitor.pk if visitor is not None else None
    connection = connections[Interaction.objects.db]
    if connection.vendor == "postgresql":
        _raw_insert(connection, clean, visitor_id, lead_id, context)
    else:
        Interaction.objects.bulk_create(
            [
                Interaction(
                    type=item["type"],
                    category=item["category"],
                    visitor_id=visitor_id,
                    lead_id=lead_id,
                    session_id=item["session_id"],
                    properties=item["properties"],
                    context=context,
                    occurred_at=item["occurred_at"],
                )
                for item in clean
            ]
        )
    _schedule(lead_id)
    return len(clean)


_COPY_COLUMNS = (
    "type",
    "category",
    "visitor_id",
    "lead_id",
    "session_id",
    "properties",
    "context",
    "occurred_at",
    "created_at",
)


COPY_THRESHOLD = 10  # below this many rows one INSERT is a round trip cheaper than COPY


def _raw_insert(connection, clean: list[dict], visitor_id, lead_id, context: dict) -> None:
    """One statement (so atomic even in autocommit): INSERT for a few rows, COPY for more."""
    table = connection.ops.quote_name(Interaction._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
    context_json = json.dumps(context, separators=(",", ":"))
    now = timezone.now()
    rows = [
        (
            item["type"],
            item["category"],
            visitor_id,
            lead_id,
            item["session_id"],
            json.dumps(item["properties"], separators=(",", ":")),
            context_json,
            item["occurred_at"],
            now,
        )
        for item in clean
    ]
    with connection.cursor() as cursor:
        if len(rows) < COPY_THRESHOLD:
            one = "(" + ", ".join(["%s"] * len(_COPY_COLUMNS)) + ")"
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}",  # noqa: S608
                [value for row in rows for value in row],
            )
            return
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@transaction.atomic
def interaction_record(
    *,
    type: str,  # noqa: A002 - the contract's name
    properties: dict,
    visitor: Any | None = None,
    lead: Any | None = None,
    request: HttpRequest | None = None,
    session_id: str = "",
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """Record one server-side event (download, chat, registration, email open/click).

    Properties are checked against the type's schema; extra keys are kept (trusted caller).
    """
    event: dict[str, Any] = {"type": type, "properties": properties, "session_id": session_id}
    item, errors = validate_event(event, strict=False)
    if errors:
        raise EventsInvalid(errors)
    context = request_context(request)
    lead_id = _lead_id_of(visitor, lead)
    interaction = Interaction.objects.create(
        type=item["type"],
        category=item["category"],
        visitor=visitor,
        lead_id=lead_id,
        session_id=item["session_id"],
        properties=item["properties"],
        context=context,
        occurred_at=occurred_at or item["occurred_at"],
    )
    _schedule(lead_id)
    return interaction
