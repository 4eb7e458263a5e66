"""Reads of the leads app: next form fields, the current visitor's lead, lead lookup,
the staff list (whitelisted filters, keyset pagination) and the lead's timeline."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.dateparse import parse_datetime

from core.errors import ApplicationError
from leads import profiling
from leads.identity import (  # noqa: F401 - re-exported for the apps that read the cookie
    VISITOR_COOKIE,
    identity_for_request,
    visitor_id_from_request,
)
from leads.models import Lead

logger = logging.getLogger(__name__)

FORM_NAMES: frozenset[str] = frozenset(profiling.FORM_FIELDS)


def next_fields(*, form: str, lead: Lead | None) -> list[str]:
    """The fields of ``form`` still worth asking: all of them for an unknown visitor, only
    those the lead has not given yet otherwise. Raises ``ValueError`` for unknown forms."""
    if form not in profiling.FORM_FIELDS:
        raise ValueError(f"Unknown form {form!r}.")
    fields = profiling.FORM_FIELDS[form]
    if lead is None:
        return list(fields)
    inferred = lead.inferred_fields or {}
    # A value we only inferred is not the person's answer: keep asking for it.
    return [f for f in fields if f in inferred or not profiling.is_filled(getattr(lead, f, None))]


def lead_for_request(request: HttpRequest) -> Lead | None:
    """The (live) lead of this browser, only when it is verified for it (``leads.identity``):
    a browser that merely typed an address sees nothing of that lead."""
    identity = identity_for_request(request)
    if not identity.verified:
        return None
    return Lead.objects.filter(pk=identity.lead_id).first()


def lead_get(*, lead_id: Any) -> Lead:
    """A live lead by public id; ``Http404`` for unknown, malformed or soft-deleted ids."""
    try:
        pk = lead_id if isinstance(lead_id, uuid.UUID) else uuid.UUID(str(lead_id))
    except ValueError as exc:
        raise Http404("Lead not found.") from exc
    lead = Lead.objects.select_related("assigned_to").filter(pk=pk).first()
    if lead is None:
        raise Http404("Lead not found.")
    return lead


# --- Staff list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFilters:
    stage: str = ""
    grade: str = ""
    industry: str = ""
    source: str = ""
    medium: str = ""
    campaign: str = ""
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    score_min: int | None = None
    score_max: int | None = None
    assigned_to: int | None = None
    q: str = ""


def lead_list(*, filters: LeadFilters) -> QuerySet[Lead]:
    """Live leads matching the whitelisted filters, newest first (keyset-paginable)."""
    qs = Lead.objects.select_related("assigned_to")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.industry:
        qs = qs.filter(industry__iexact=filters.industry)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.medium:
        qs = qs.filter(medium=filters.medium)
    if filters.campaign:
        qs = qs.filter(campaign=filters.campaign)
    if filters.created_after:
        qs = qs.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        qs = qs.filter(created_at__lt=filters.created_before)
    if filters.score_min is not None:
        qs = qs.filter(score__gte=filters.score_min)
    if filters.score_max is not None:
        qs = qs.filter(score__lte=filters.score_max)
    if filters.assigned_to is not None:
        qs = qs.filter(assigned_to_id=filters.assigned_to)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(email_normalized__contains=q.lower()) | Q(name__icontains=q) | Q(company__icontains=q)
        )
    return qs.order_by("-created_at", "-id")


def lead_count(*, filters: LeadFilters) -> int:
    """How many live leads match (the list's ``total``)."""
    return lead_list(filters=filters).order_by().count()


def encode_cursor(lead: Lead) -> str:
    raw = f"{lead.created_at.isoformat()}|{lead.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    """``ValueError`` for a cursor we did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_raw, pk_raw = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        created = parse_datetime(created_raw)
        if created is None or created.tzinfo is None:
            raise ValueError("bad cursor")
        # Normalised to UTC: an offset at the ends of the calendar overflows here (refused)
        # rather than in the database.
        return created.astimezone(dt.UTC), uuid.UUID(pk_raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise ValueError("Invalid cursor.") from exc


def lead_page(
    *,
    filters: LeadFilters,
    limit: int,
    cursor: str | None,
    fields: tuple[str, ...] | None = None,
    offset: int = 0,
) -> tuple[list[Lead], str | None]:
    """One page of ``lead_list`` after ``cursor`` and the cursor of the next page.
    ``fields`` limits the loaded columns (``assigned_to`` loads only the username)."""
    qs = lead_list(filters=filters)
    if fields is not None:
        qs = qs.only("id", "created_at", *fields, "assigned_to__id", "assigned_to__username")
    if cursor:
        try:
            created, pk = decode_cursor(cursor)
        except ValueError as exc:
            raise ApplicationError(details={"cursor": ["Invalid cursor."]}) from exc
        qs = qs.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=pk))
    rows = list(qs[offset : offset + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if has_more and rows else None)


# --- Timeline ---------------------------------------------------------------------------------

_TIME_FIELDS = ("occurred_at", "created_at", "sent_at", "started_at", "registered_at")
_OWN_MODELS = {"interaction", "consentrecord", "leadaudit", "visitor", "leadtrigger"}


def _entry(at, kind: str, summary: str, obj: Any, data: dict | None = None) -> dict:
    return {"at": at, "kind": kind, "summary": summary, "object": obj, "data": data or {}}


def lead_timeline(*, lead: Lead, limit: int = 500) -> list[dict]:
    """Everything that happened to the lead, oldest first: interactions, consents, audit
    entries, feed entries and rows of other apps that point at the lead (conversations,
    registrations, emails...), found through the lead's reverse relations."""
    from analytics.facade import interactions

    entries: list[dict] = []
    for i in interactions().filter(lead=lead).order_by("-occurred_at", "-id")[:limit]:
        props = i.properties or {}
        label = props.get("path") or props.get("url") or props.get("resource_id") or ""
        entries.append(_entry(i.occurred_at, f"interaction:{i.type}", str(label), i, props))
    for c in lead.consents.all():
        entries.append(
            _entry(
                c.created_at,
                "consent",
                f"{c.purpose} {'granted' if c.granted else 'withdrawn'} ({c.method})",
                c,
            )
        )
    for a in lead.audits.select_related("actor"):
        who = a.actor.get_username() if a.actor else "system"
        entries.append(_entry(a.created_at, f"audit:{a.action}", f"{a.action} by {who}", a))
    for n in lead.notifications.all():
        entries.append(_entry(n.created_at, f"feed:{n.kind}", n.message, n))
    for rel in Lead._meta.related_objects:
        model = rel.related_model
        if model._meta.model_name in _OWN_MODELS or model._meta.app_label == "leads":
            continue
        if not getattr(rel, "field", None) or rel.many_to_many:
            continue
        time_field = next(
            (f for f in _TIME_FIELDS if any(x.name == f for x in model._meta.get_fields())),
            None,
        )
        if time_field is None:
            continue
        qs = model._default_manager.filter(**{rel.field.name: lead}).order_by(f"-{time_field}")
        try:
            with transaction.atomic():  # a savepoint: an app mid-migration must not break us
                rows = list(qs[:limit])
        except DatabaseError:
            logger.warning("timeline source %s unavailable", model._meta.label, exc_info=True)
            continue
        for obj in rows:
            at = getattr(obj, time_field)
            if at is None:
                continue
            entries.append(_entry(at, str(model._meta.verbose_name), str(obj), obj))
    entries.sort(key=lambda e: e["at"])
    return entries


@dataclass(frozen=True)
class ConsentDecision:
    """The latest consent decision of a lead for one purpose."""

    granted: bool
    wording: str
    created_at: dt.datetime


def consent_latest(*, lead_id: Any, purpose: str) -> ConsentDecision | None:
    """The lead's latest decision for ``purpose`` (``data_processing``, ``marketing``,
    ``analytics``), or None when it never decided."""
    from leads.models import ConsentRecord

    row = (
        ConsentRecord.objects.filter(lead_id=lead_id, purpose=purpose)
        .order_by("-created_at", "-id")
        .values_list("granted", "wording", "created_at")
        .first()
    )
    return ConsentDecision(*row) if row is not None else None


def consent_current(*, lead: Lead) -> dict[str, bool]:
    """Current consent per purpose, derived from the append-only ledger: the latest record
    of each purpose wins (a withdrawal is a newer ``granted=False`` row)."""
    from leads.models import ConsentRecord

    current = {purpose: False for purpose in ConsentRecord.Purpose.values}
    seen: set[str] = set()
    for purpose, granted in (
        ConsentRecord.objects.filter(lead=lead)
        .order_by("-created_at", "-id")
        .values_list("purpose", "granted")
    ):
        if purpose not in seen:
            seen.add(purpose)
            current[purpose] = granted
    return current
