"""The worker side of tracking: copy the Redis buffer (``analytics.handoff``) into PostgreSQL.

Set-based for a whole slice of the stream: one statement claims the slice's batch ids, one
upserts its visitors (first-touch attribution kept, ``last_seen`` refreshed at most once a
minute, as ``analytics.services.track_ingest`` does for one request), one reads their
leads, one ``COPY`` stores every event, and lead processing is enqueued once per lead.

Exactly once: the slice is read after the checkpoint row (``IngestCheckpoint``), locked
for the transaction, and the checkpoint moves in the same commit as the rows; entries are
trimmed from the stream only after that commit. A drain that dies before its commit
stores nothing; one that dies after it leaves entries the next drain skips. A batch id
that PostgreSQL already holds (stored by a request while Redis was down) is not stored
again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.db import connections, transaction
from django.utils.dateparse import parse_datetime

from analytics import handoff
from analytics.context import interaction_context_of, parse_user_agent
from analytics.models import IngestCheckpoint, Interaction, TrackedBatch
from analytics.tracking_sql import (
    INTERACTION_COLUMNS,
    TOUCH_FIELDS,
    VISITOR_COLUMNS,
    VISITOR_MERGE,
    VISITOR_TOUCH_SECONDS,
)
from leads.facade import Visitor

CHECKPOINT = "track"
SLICE = 500  # stream entries per transaction (a batch entry holds up to 100 events)


@dataclass
class DrainResult:
    entries: int = 0
    events: int = 0
    duplicates: int = 0  # entries whose batch id PostgreSQL already held
    seconds: float = 0.0
    leads: set = field(default_factory=set)


def backlog() -> int:
    """Entries waiting in the buffer (stored ones are trimmed after each slice)."""
    return int(handoff.client().xlen(handoff.stream_key()))


def track_buffer_drain(*, budget_seconds: float = 20.0, slice_size: int = SLICE) -> DrainResult:
    """Store what the buffer holds, slice by slice, until it is empty or the budget is
    spent (then a new drain is scheduled). Another drain at work makes this one return."""
    result = DrainResult()
    started = time.perf_counter()
    redis = handoff.client()
    redis.delete(handoff.kick_key())  # requests from now on schedule the next drain
    IngestCheckpoint.objects.get_or_create(name=CHECKPOINT)
    while True:
        with transaction.atomic():
            checkpoint = (
                IngestCheckpoint.objects.select_for_update(skip_locked=True)
                .filter(name=CHECKPOINT)
                .first()
            )
            if checkpoint is None:
                break  # another drain holds it
            entries = redis.xrange(
                handoff.stream_key(), min=f"({checkpoint.last_id}", count=slice_size
            )
            if not entries:
                break
            _store_slice(entries, result)
            last_id = entries[-1][0]
            checkpoint.last_id = last_id.decode() if isinstance(last_id, bytes) else last_id
            checkpoint.save(update_fields=["last_id", "updated_at"])
        ms, seq = checkpoint.last_id.split("-")
        redis.xtrim(handoff.stream_key(), minid=f"{ms}-{int(seq) + 1}", approximate=False)
        if time.perf_counter() - started > budget_seconds:
            handoff.schedule_drain()
            break
    result.seconds = time.perf_counter() - started
    return result


def _store_slice(entries: list, result: DrainResult) -> None:
    from analytics.services import schedule_lead_processing

    items = [handoff.decode(fields[b"d"]) for _id, fields in entries]
    result.entries += len(items)
    items = _claimed(items, result)
    if not items:
        return
    connection = connections[Interaction.objects.db]
    leads = _touch_visitors(connection, items)
    rows = []
    for item in items:
        ua = item["ua"]
        context = json.dumps(interaction_context_of(ua, item["ip"]), separators=(",", ":"))
        visitor_id = item["v"]
        lead_id = leads.get(visitor_id)
        received = item["at"]
        for etype, category, session_id, props, occurred_at in item["e"]:
            rows.append(
                (
                    etype,
                    category,
                    visitor_id,
                    lead_id,
                    session_id,
                    json.dumps(props, separators=(",", ":")),
                    context,
                    occurred_at,
                    received,
                )
            )
    table = connection.ops.quote_name(Interaction._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in INTERACTION_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    result.events += len(rows)
    for lead_id in {lead for lead in leads.values() if lead is not None}:
        result.leads.add(lead_id)
        schedule_lead_processing(lead_id)


def _claimed(items: list[dict], result: DrainResult) -> list[dict]:
    """The items to store: without a batch id, or whose batch id this slice claims."""
    batch_ids = [item["b"] for item in items if item["b"]]
    if not batch_ids:
        return items
    table = TrackedBatch._meta.db_table
    counts = {item["b"]: len(item["e"]) for item in items if item["b"]}
    with connections[TrackedBatch.objects.db].cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (batch_id, accepted, created_at)
            SELECT b, n, now() FROM unnest(%s::text[], %s::int[]) AS t(b, n)
            ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id""",  # noqa: S608
            [list(counts), list(counts.values())],
        )
        claimed = {row[0] for row in cursor.fetchall()}
    kept = []
    for item in items:
        if item["b"] is None:
            kept.append(item)
        elif item["b"] in claimed:
            claimed.discard(item["b"])  # the first entry of a batch id only
            kept.append(item)
        else:
            result.duplicates += 1
    return kept


def _touch_visitors(connection, items: list[dict]) -> dict[str, Any]:
    """Upsert every visitor of the slice in one statement; their lead ids."""
    visitors: dict[str, dict[str, Any]] = {}
    for item in items:
        touch = {key: str(item["t"].get(key) or "")[:length] for key, length in TOUCH_FIELDS}
        at = parse_datetime(item["at"])
        found = visitors.get(item["v"])
        if found is None:
            ua = parse_user_agent(item["ua"])
            visitors[item["v"]] = {
                "first": at,
                "last": at,
                **touch,
                "browser": ua["browser"][:100],
                "device": ua["device"][:20],
                "os": ua["os"][:100],
            }
            continue
        found["first"] = min(found["first"], at)
        found["last"] = max(found["last"], at)
        if not (found["utm_source"] or found["utm_medium"] or found["utm_campaign"]):
            for key in ("utm_source", "utm_medium", "utm_campaign"):
                found[key] = touch[key]
        for key in ("referrer", "landing_page"):
            found[key] = found[key] or touch[key]
    ids = list(visitors)
    # One JSON document, not eleven arrays: psycopg dumps an array element by element in
    # Python, which was a third of the drain's CPU.
    rows = msgspec.json.encode(
        [
            [
                vid,
                v["first"].isoformat(),
                v["last"].isoformat(),
                v["utm_source"],
                v["utm_medium"],
                v["utm_campaign"],
                v["referrer"],
                v["landing_page"],
                v["browser"],
                v["device"],
                v["os"],
            ]
            for vid, v in visitors.items()
        ]
    ).decode()
    table = connection.ops.quote_name(Visitor._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
INSERT INTO {table} AS old ({VISITOR_COLUMNS})
SELECT (r->>0)::uuid, (r->>1)::timestamptz, (r->>2)::timestamptz, r->>3, r->>4, r->>5,
    r->>6, r->>7, r->>8, r->>9, r->>10
FROM jsonb_array_elements(%s::jsonb) AS r
{VISITOR_MERGE}
""",  # noqa: S608 - the table name comes from the model, values are parameters
            [rows, VISITOR_TOUCH_SECONDS],
        )
        cursor.execute(
            f"SELECT id::text, lead_id FROM {table} WHERE id = ANY(%s::uuid[])",  # noqa: S608
            [ids],
        )
        return dict(cursor.fetchall())
