"""Writes of the leads app: visitors, capture (create-or-update by email), consent ledger,
identity stitching, staff edits with audit, behaviours and triggers, stage moves.

Every function is keyword-only and transactional. Slow work (behaviours, triggers, stage
checks, emails) is enqueued after commit and is idempotent: triggers and stage actions are
guarded by a unique ``LeadTrigger`` row per condition, under a row lock on the lead.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import validators
from core.net import client_ip_truncated, truncate_ip
from core.queue import enqueue
from leads import profiling
from leads.models import (
    STAGE_ORDER,
    ConsentRecord,
    Lead,
    LeadAudit,
    LeadTrigger,
    RoundRobinState,
    SalesNotification,
    Visitor,
)

logger = logging.getLogger(__name__)

SALES_GROUP = "Sales"
SALES_FEED_GROUP = "sales-feed"
VISIT_GAP = dt.timedelta(minutes=30)
REENGAGEMENT_GAP = dt.timedelta(days=7)
HIGH_INTENT_SECONDS = 60


# --- Inputs and errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    data_processing: bool
    marketing: bool = False
    analytics: bool = False
    method: str = "checkbox"
    wording: str = ""
    page_url: str = ""
    legal_basis: str = "consent"


@dataclass(frozen=True)
class CaptureResult:
    lead: Lead
    created: bool


class CaptureError(ValidationError):
    """Invalid capture input; ``details`` is ``{field: [messages]}``."""

    def __init__(self, details: dict[str, list[str]]):
        self.details = details
        super().__init__(details)


# Profile fields a public form or a staff PATCH may set, and how each is checked.
_STR_FIELDS = {
    "name": 200,
    "company": 200,
    "role": 200,
    "phone": 40,
    "industry": 100,
    "decision_process": 500,
    "seniority": 50,
}
_CHOICE_FIELDS = {
    "company_size": {c for c, _ in Lead.CompanySize.choices},
    "budget": {c for c, _ in Lead.Budget.choices},
    "timeline": {c for c, _ in Lead.Timeline.choices},
    "authority": {c for c, _ in Lead.Authority.choices},
}
_URL_FIELDS = {"website": 300, "linkedin": 300}
# Shown to staff as names: printable, no markup (core.validators).
_DISPLAY_FIELDS = {"name", "company", "role", "industry", "seniority"}
_LIST_FIELDS = {"tech_stack", "competitors", "pain_points", "interests"}
PROFILE_FIELDS: frozenset[str] = frozenset(
    set(_STR_FIELDS) | set(_CHOICE_FIELDS) | set(_URL_FIELDS) | _LIST_FIELDS
)
# Staff may also set these through PATCH.
STAFF_FIELDS: frozenset[str] = PROFILE_FIELDS | {"outcome", "buying_stage"}
_STAFF_CHOICES = {
    "outcome": {c for c, _ in Lead.Outcome.choices},
    "buying_stage": {c for c, _ in Lead.BuyingStage.choices},
}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _clean_profile(profile: dict | None, *, allowed: frozenset[str]) -> dict[str, Any]:
    """Validated profile values (strings stripped); raises ``CaptureError``."""
    if profile is None:
        return {}
    if not isinstance(profile, dict):
        raise CaptureError({"profile": ["Must be an object."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key, value in profile.items():
        if key not in allowed:
            errors[key] = ["Unknown field."]
            continue
        if key in _LIST_FIELDS:
            if value is None:
                value = []
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not all(
                isinstance(v, str) and len(v) <= 100 for v in value
            ):
                errors[key] = ["Must be a list of short strings."]
                continue
            if len(value) > 30:
                errors[key] = ["At most 30 items."]
                continue
            clean[key] = [v.strip() for v in value if v.strip()]
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[key] = ["Must be a string."]
            continue
        value = value.strip()
        if key in _STR_FIELDS and len(value) > _STR_FIELDS[key]:
            errors[key] = [f"At most {_STR_FIELDS[key]} characters."]
        elif key in _CHOICE_FIELDS and value and value not in _CHOICE_FIELDS[key]:
            errors[key] = [
                f"Must be one of: {', '.join(sorted(c for c in _CHOICE_FIELDS[key] if c))}."
            ]
        elif key in _STAFF_CHOICES and value not in _STAFF_CHOICES[key]:
            errors[key] = [f"Must be one of: {', '.join(sorted(_STAFF_CHOICES[key]))}."]
        elif key in _URL_FIELDS and value:
            try:
                value = validators.clean_http_url(value, max_length=_URL_FIELDS[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        elif key == "phone" and value:
            try:
                value = validators.clean_phone(value)
            except ValidationError as exc:
                errors[key] = exc.messages
        elif key in _DISPLAY_FIELDS and value:
            try:
                value = validators.clean_display_text(value, max_length=_STR_FIELDS[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        if key not in errors:
            clean[key] = value
    if errors:
        raise CaptureError(errors)
    return clean


def _merge_profile(lead: Lead, clean: dict[str, Any]) -> list[str]:
    """Apply values to ``lead``; never replaces a known value with an empty one.
    Lists are merged (union, order kept). Returns the changed field names."""
    changed: list[str] = []
    for key, value in clean.items():
        current = getattr(lead, key)
        if key in _LIST_FIELDS:
            merged = list(current or [])
            lowered = {str(v).lower() for v in merged}
            for item in value:
                if item.lower() not in lowered:
                    merged.append(item)
                    lowered.add(item.lower())
            if merged != list(current or []):
                setattr(lead, key, merged)
                changed.append(key)
            continue
        if not profiling.is_filled(value):
            continue
        inferred = dict(lead.inferred_fields or {})
        if key in inferred:
            # The person's own answer replaces a value we had only inferred.
            inferred.pop(key)
            lead.inferred_fields = inferred
            changed.append("inferred_fields")
        if value != current:
            setattr(lead, key, value)
            changed.append(key)
    return changed


# --- Visitors ---------------------------------------------------------------------------------


def _parse_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def visitor_touch(
    *,
    visitor_id: uuid.UUID | str | None,
    request=None,
    touch_interval: dt.timedelta = dt.timedelta(seconds=60),
    **utm: str,
) -> Visitor:
    """Get or create the visitor ``visitor_id`` (a new id if missing or malformed) and
    update ``last_seen`` (at most once per ``touch_interval``) and first-touch attribution.

    ``utm`` may carry ``utm_source``, ``utm_medium``, ``utm_campaign``, ``referrer`` and
    ``landing_page``; they are recorded only while the visitor has none.
    """
    now = timezone.now()
    vid = _parse_uuid(visitor_id)
    attribution = {
        key: str(value)[:length]
        for key, length in (
            ("utm_source", 100),
            ("utm_medium", 100),
            ("utm_campaign", 200),
            ("referrer", 500),
            ("landing_page", 500),
        )
        if (value := utm.get(key))
    }
    visitor = Visitor.objects.filter(pk=vid).first() if vid else None
    if visitor is None:
        ua = {}
        if request is not None:
            from analytics.context import parse_user_agent

            ua = parse_user_agent((request.META.get("HTTP_USER_AGENT") or "")[:400])
        visitor = Visitor(
            id=vid or uuid.uuid4(),
            user_agent_family=ua.get("browser", "")[:100],
            device=ua.get("device", "")[:20],
            os_family=ua.get("os", "")[:100],
            **attribution,
        )
        try:
            with transaction.atomic():
                visitor.save(force_insert=True)
        except IntegrityError:  # created concurrently by another request
            visitor = Visitor.objects.get(pk=visitor.pk)
        return visitor
    updates: dict[str, Any] = {}
    if now - visitor.last_seen >= touch_interval:
        updates["last_seen"] = now
    if not (visitor.utm_source or visitor.utm_medium or visitor.utm_campaign):
        for key in ("utm_source", "utm_medium", "utm_campaign"):
            if attribution.get(key):
                updates[key] = attribution[key]
    for key in ("referrer", "landing_page"):
        if attribution.get(key) and not getattr(visitor, key):
            updates[key] = attribution[key]
    if updates:
        Visitor.objects.filter(pk=visitor.pk).update(**updates)
        for key, value in updates.items():
            setattr(visitor, key, value)
    return visitor


@transaction.atomic
def visitor_link(*, visitor: Visitor, lead: Lead) -> int:
    """Link ``visitor`` to ``lead`` and attribute its unattributed interactions to the lead
    (identity stitching). Interactions already attributed to another lead stay there: two
    leads are never merged. Returns how many interactions were stitched."""
    from analytics.models import Interaction

    if visitor.lead_id != lead.pk:
        previous = visitor.lead_id
        Visitor.objects.filter(pk=visitor.pk).update(lead=lead)
        visitor.lead = lead
        if previous is not None:
            LeadAudit.objects.create(
                lead=lead,
                action="visitor_relinked",
                changes={"visitor": str(visitor.pk), "from_lead": str(previous)},
            )
    stitched = Interaction.objects.filter(visitor_id=visitor.pk, lead__isnull=True).update(
        lead=lead
    )
    return stitched


# --- Consent ledger -------------------------------------------------------------------------


def wording_hash(wording: str) -> str:
    return hashlib.sha256((wording or "").encode()).hexdigest() if wording else ""


@transaction.atomic
def consent_record(
    *,
    purpose: str,
    granted: bool,
    lead: Lead | None = None,
    visitor: Visitor | None = None,
    method: str = "checkbox",
    legal_basis: str = "consent",
    wording: str = "",
    page_url: str = "",
    ip: str = "",
) -> ConsentRecord:
    """Append one consent decision (a withdrawal is ``granted=False``)."""
    if purpose not in ConsentRecord.Purpose.values:
        raise CaptureError({"purpose": [f"Unknown purpose {purpose!r}."]})
    return ConsentRecord.objects.create(
        lead=lead,
        visitor=visitor,
        purpose=purpose,
        granted=bool(granted),
        method=(method or "checkbox")[:30],
        legal_basis=(legal_basis or "consent")[:30],
        wording=wording or "",
        wording_hash=wording_hash(wording),
        page_url=(page_url or "")[:500],
        ip_truncated=truncate_ip(ip),
    )


# --- Capture ----------------------------------------------------------------------------------


def _find_for_update(email_normalized: str) -> Lead | None:
    return (
        Lead.all_objects.select_for_update()
        .filter(email_normalized=email_normalized, erased_at__isnull=True)
        .first()
    )


@transaction.atomic
def lead_capture(
    *,
    email: str,
    consent: ConsentInput,
    source: str,
    visitor: Visitor | None = None,
    profile: dict | None = None,
    ip: str = "",
    actor=None,
    medium: str = "",
    campaign: str = "",
) -> CaptureResult:
    """Create or update the lead with this email (case-insensitive) from a form/chat/API.

    Requires consent to data processing; never overwrites a known field with an empty one;
    links and stitches the visitor; appends consent records; schedules behaviours and the
    stage check after commit.
    """
    errors: dict[str, list[str]] = {}
    email = (email or "").strip() if isinstance(email, str) else ""
    try:
        if not email or len(email) > 254:
            raise ValidationError("invalid")
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    if not isinstance(consent, ConsentInput) or consent.data_processing is not True:
        errors["consent"] = ["Consent to data processing is required."]
    try:
        clean = _clean_profile(profile, allowed=PROFILE_FIELDS)
    except CaptureError as exc:
        errors.update(exc.details)
        clean = {}
    if errors:
        raise CaptureError(errors)

    normalized = normalize_email(email)
    lead = _find_for_update(normalized)
    created = False
    if lead is None:
        lead = Lead(email=email, email_normalized=normalized)
        try:
            with transaction.atomic():
                _apply_attribution(
                    lead, visitor=visitor, source=source, medium=medium, campaign=campaign
                )
                _merge_profile(lead, clean)
                lead.save(force_insert=True)
            created = True
        except IntegrityError:  # the same email captured concurrently
            lead = _find_for_update(normalized)
            if lead is None:
                raise
    changed: list[str] = []
    if not created:
        changed = _merge_profile(lead, clean)
        if lead.deleted_at is not None:
            lead.deleted_at = None
            changed.append("deleted_at")
        if not lead.source:
            _apply_attribution(
                lead, visitor=visitor, source=source, medium=medium, campaign=campaign
            )
            changed += ["source", "medium", "campaign"]
        if changed:
            lead.save(update_fields=[*set(changed), "updated_at"])
    LeadAudit.objects.create(
        lead=lead,
        actor=actor if getattr(actor, "pk", None) else None,
        action="created" if created else "captured",
        changes={"source": source[:100], "fields": sorted(set(clean) if created else changed)},
    )
    for purpose, granted in (
        ("data_processing", True),
        ("marketing", consent.marketing),
        ("analytics", consent.analytics),
    ):
        if granted:
            consent_record(
                purpose=purpose,
                granted=True,
                lead=lead,
                visitor=visitor,
                method=consent.method,
                legal_basis=consent.legal_basis,
                wording=consent.wording,
                page_url=consent.page_url,
                ip=ip,
            )
    if visitor is not None:
        visitor_link(visitor=visitor, lead=lead)
    _schedule_lead_work(lead.pk, created=created)
    return CaptureResult(lead=lead, created=created)


def _apply_attribution(
    lead: Lead, *, visitor: Visitor | None, source: str, medium: str = "", campaign: str = ""
) -> None:
    """First touch: the visitor's UTM values, else what the form or API client sent."""
    lead.source = ((visitor.utm_source if visitor else "") or source or "")[:100]
    lead.medium = ((visitor.utm_medium if visitor else "") or medium or "")[:100]
    lead.campaign = ((visitor.utm_campaign if visitor else "") or campaign or "")[:200]


def _schedule_lead_work(lead_id: Any, *, created: bool = False) -> None:
    from leads import tasks

    enqueue(tasks.process_lead_events, str(lead_id))
    enqueue(tasks.check_stage, str(lead_id))
    _rescore_soon(lead_id, first=created)


def _rescore_soon(lead_id: Any, *, first: bool = False) -> None:
    """Ask the scoring app for a (debounced) rescore once this transaction commits; a new
    lead is scored at once (its ``lead.new`` reaches the live dashboard)."""
    from scoring.services import lead_rescore_soon

    lead_rescore_soon(lead_id=lead_id, reason="created" if first else "lead_changed", first=first)


def capture_ip(request) -> str:
    """The truncated client address to store with a consent record."""
    return client_ip_truncated(request) if request is not None else ""


# --- Staff edits --------------------------------------------------------------------------------


@transaction.atomic
def lead_update(*, lead: Lead, data: dict, actor) -> Lead:
    """Staff PATCH: whitelisted fields only, audited with the acting user. Unlike capture,
    staff may clear a field."""
    clean = _clean_profile(data, allowed=STAFF_FIELDS)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    changes: dict[str, Any] = {}
    for key, value in clean.items():
        current = getattr(lead, key)
        if value != current:
            changes[key] = {"from": current, "to": value}
            setattr(lead, key, value)
    if changes:
        lead.save(update_fields=[*changes, "updated_at"])
        LeadAudit.objects.create(lead=lead, actor=actor, action="updated", changes=changes)
        _schedule_lead_work(lead.pk)
    return lead


@transaction.atomic
def lead_soft_delete(*, lead: Lead, actor) -> Lead:
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    if lead.deleted_at is None:
        lead.deleted_at = timezone.now()
        lead.save(update_fields=["deleted_at", "updated_at"])
        LeadAudit.objects.create(lead=lead, actor=actor, action="deleted", changes={})
    return lead


@transaction.atomic
def lead_assign(*, lead: Lead, user, actor) -> Lead:
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    before = lead.assigned_to_id
    if before != (user.pk if user else None):
        lead.assigned_to = user
        lead.save(update_fields=["assigned_to", "updated_at"])
        LeadAudit.objects.create(
            lead=lead,
            actor=actor,
            action="assigned",
            changes={"assigned_to": {"from": before, "to": user.pk if user else None}},
        )
        if user is not None:
            notify_sales(
                lead=lead,
                kind="assigned",
                message=f"Lead {lead.email} assigned to {user.get_username()}",
                recipient=user,
            )
    return lead


@transaction.atomic
def lead_change_stage(*, lead: Lead, stage: str, actor) -> Lead:
    """A salesperson's explicit stage change (may move backwards; audited)."""
    if stage not in Lead.Stage.values:
        raise CaptureError({"stage": [f"Unknown stage {stage!r}."]})
    lead = Lead.all_objects.select_for_update().get(pk=lead.pk)
    if lead.stage != stage:
        before = lead.stage
        lead.stage = stage
        fields = ["stage", "updated_at"]
        if stage == Lead.Stage.QUALIFIED and lead.qualified_at is None:
            lead.qualified_at = timezone.now()
            fields.append("qualified_at")
        lead.save(update_fields=fields)
        LeadAudit.objects.create(
            lead=lead, actor=actor, action="stage_changed", changes={"stage": [before, stage]}
        )
    return lead


# --- Sales feed ---------------------------------------------------------------------------------


def notify_sales(
    *, lead: Lead, kind: str, message: str, data: dict | None = None, recipient=None
) -> SalesNotification:
    """Write a feed entry and push it to the live dashboard group after commit."""
    note = SalesNotification.objects.create(
        lead=lead, kind=kind, message=message[:500], data=data or {}, recipient=recipient
    )
    payload = {
        "type": "feed.entry",
        "id": note.pk,
        "kind": kind,
        "message": note.message,
        "lead_id": str(lead.pk),
        "created_at": note.created_at.isoformat(),
    }
    transaction.on_commit(lambda: _push_feed(payload))
    return note


def _push_feed(payload: dict) -> None:
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(SALES_FEED_GROUP, payload)
    except Exception:  # the feed row is stored; a live push is best effort
        logger.warning("sales feed push failed", exc_info=True)


# --- Behaviours and triggers (worker) -------------------------------------------------------------


def _path_of(props: dict) -> str:
    path = props.get("path") or ""
    if not path and props.get("url"):
        path = urlsplit(str(props["url"])).path
    return str(path)


def _duration(props: dict) -> float:
    value = props.get("duration")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def _fire_once(lead: Lead, kind: str, key: str = "") -> bool:
    """Record that ``kind``/``key`` fired for ``lead``; False if it already had."""
    _, created = LeadTrigger.objects.get_or_create(lead=lead, kind=kind, key=key[:200])
    return created


@transaction.atomic
def lead_process_events(*, lead_id: Any) -> Lead | None:
    """Recompute the lead's behaviours from its interactions and run the triggers for the
    interactions not processed yet (each trigger at most once per condition)."""
    from analytics.models import Interaction

    lead = Lead.all_objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        return None
    pages = list(
        Interaction.objects.filter(lead=lead, category="page_view")
        .order_by("occurred_at", "id")
        .values_list("type", "occurred_at", "properties")
    )
    view_times = [at for t, at, _ in pages if t == "page_view"]
    visits = 0
    last = None
    for at in view_times:
        if last is None or at - last > VISIT_GAP:
            visits += 1
        last = at
    scroll_depths = [
        float(d)
        for d in Interaction.objects.filter(lead=lead, type="scroll").values_list(
            "properties__scroll_depth", flat=True
        )
        if isinstance(d, int | float)
    ]
    lead.page_views = len(view_times)
    lead.visits = visits
    lead.time_on_site_seconds = int(sum(_duration(p) for _, _, p in pages))
    lead.first_visit_at = pages[0][1] if pages else None
    lead.last_visit_at = pages[-1][1] if pages else None
    lead.avg_scroll_depth = (
        round(sum(scroll_depths) / len(scroll_depths), 2) if scroll_depths else 0.0
    )
    fields = [
        "page_views",
        "visits",
        "time_on_site_seconds",
        "first_visit_at",
        "last_visit_at",
        "avg_scroll_depth",
    ]

    pending = list(
        Interaction.objects.filter(lead=lead, processed_at__isnull=True).order_by(
            "occurred_at", "id"
        )
    )
    for interaction in pending:
        props = interaction.properties or {}
        if interaction.type in ("page_view", "page_exit"):
            path = _path_of(props)
            if (
                path.rstrip("/").endswith("/pricing")
                and _duration(props) > HIGH_INTENT_SECONDS
                and _fire_once(lead, "high_intent")
            ):
                lead.buying_stage = Lead.BuyingStage.DECISION
                fields.append("buying_stage")
                notify_sales(
                    lead=lead,
                    kind="high_intent",
                    message=f"High intent: {lead.email} spent over a minute on pricing",
                    data={"path": path, "duration": _duration(props)},
                )
                from scoring.services import alert_raise

                alert_raise(
                    lead=lead,
                    reason="high_intent",
                    details={"path": path, "seconds_on_page": _duration(props)},
                )
        if interaction.type == "page_view":
            idx = bisect.bisect_left(view_times, interaction.occurred_at)
            previous = view_times[idx - 1] if idx > 0 else None
            gap = interaction.occurred_at - previous if previous is not None else None
            if gap is not None and gap >= REENGAGEMENT_GAP:
                day = interaction.occurred_at.date().isoformat()
                if _fire_once(lead, "reengagement", day):
                    notify_sales(
                        lead=lead,
                        kind="reengagement",
                        message=f"{lead.email} is back after {gap.days} days",
                        data={"previous_visit": previous.isoformat()},
                    )
        if interaction.type == "resource_download":
            resource = str(props.get("resource_id", ""))
            # Engagement points for a download come from the scoring engine's weights
            # (it owns engagement_score); the trigger records each resource once.
            if (
                resource
                and _fire_once(lead, "resource_download", resource)
                and lead.buying_stage == Lead.BuyingStage.AWARENESS
            ):
                lead.buying_stage = Lead.BuyingStage.CONSIDERATION
                fields.append("buying_stage")
    if lead.buying_stage == Lead.BuyingStage.AWARENESS and lead.visits >= 3:
        lead.buying_stage = Lead.BuyingStage.CONSIDERATION
        fields.append("buying_stage")
    lead.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    if pending:
        Interaction.objects.filter(pk__in=[i.pk for i in pending]).update(
            processed_at=timezone.now()
        )
        _rescore_soon(lead.pk)
    return lead


# --- Stage moves (worker) -------------------------------------------------------------------------


def _send_welcome(lead_id: Any) -> None:
    lead = Lead.objects.filter(pk=lead_id).first()
    if lead is None or (lead.preferences or {}).get("do_not_contact"):
        return
    from nurture.services import email_send

    email_send(
        to=lead.email, template="welcome", context={}, lead=lead, category="lifecycle", defer=True
    )


def _round_robin_sales_user():
    users = list(
        get_user_model()
        .objects.filter(groups__name=SALES_GROUP, is_active=True)
        .order_by("pk")
        .distinct()
    )
    if not users:
        return None
    state, _ = RoundRobinState.objects.select_for_update().get_or_create(name="sales")
    after = [u for u in users if state.last_user_id is None or u.pk > state.last_user_id]
    chosen = after[0] if after else users[0]
    state.last_user_id = chosen.pk
    state.save(update_fields=["last_user_id"])
    return chosen


def _stage_action(lead: Lead, stage: str) -> None:
    if stage == Lead.Stage.IDENTIFIED:
        # Queued in the transaction that records the stage action: sent once, never lost.
        _send_welcome(lead.pk)
    elif stage == Lead.Stage.QUALIFIED:
        notify_sales(
            lead=lead,
            kind="qualified",
            message=f"New qualified lead: {lead.email}"
            + (f" ({lead.company})" if lead.company else ""),
        )
    elif stage == Lead.Stage.OPPORTUNITY and lead.assigned_to_id is None:
        user = _round_robin_sales_user()
        if user is not None:
            lead.assigned_to = user
            lead.save(update_fields=["assigned_to", "updated_at"])
            LeadAudit.objects.create(
                lead=lead,
                action="assigned",
                changes={"assigned_to": {"from": None, "to": user.pk}, "by": "round_robin"},
            )
            notify_sales(
                lead=lead,
                kind="assigned",
                message=f"Opportunity {lead.email} assigned to {user.get_username()}",
                recipient=user,
            )


@transaction.atomic
def lead_stage_check(*, lead_id: Any) -> Lead | None:
    """Move the lead forward to the stage its profile completeness reaches and run each
    crossed stage's action exactly once. Never moves a lead backwards."""
    lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        return None
    scores = profiling.completeness(lead)
    fields = []
    if lead.profile_completeness != scores["overall"]:
        lead.profile_completeness = scores["overall"]
        fields.append("profile_completeness")
    target = profiling.stage_for_completeness(scores["overall"])
    current_rank = Lead.stage_rank(lead.stage)
    target_rank = Lead.stage_rank(target)
    if target_rank > current_rank:
        before = lead.stage
        lead.stage = target
        fields.append("stage")
        if target_rank >= Lead.stage_rank("qualified") and lead.qualified_at is None:
            lead.qualified_at = timezone.now()
            fields.append("qualified_at")
        lead.save(update_fields=[*fields, "updated_at"])
        LeadAudit.objects.create(
            lead=lead,
            action="stage_changed",
            changes={"stage": [before, target], "completeness": scores["overall"]},
        )
        fields = []
        for stage in STAGE_ORDER[current_rank + 1 : target_rank + 1]:
            if _fire_once(lead, f"stage_{stage}"):
                _stage_action(lead, stage)
    if fields:
        lead.save(update_fields=[*fields, "updated_at"])
    return lead


# --- Public sign-up (POST /api/leads) ------------------------------------------------

FORM_INTERACTION = {"newsletter": "newsletter_signup"}


@dataclass(frozen=True)
class SignupResult:
    lead: Lead
    created: bool
    visitor: Visitor


@transaction.atomic
def lead_signup(
    *,
    email: str,
    consent: ConsentInput,
    source: str,
    form: str = "",
    visitor_id: uuid.UUID | str | None = None,
    profile: dict | None = None,
    page_url: str = "",
    request=None,
    medium: str = "",
    campaign: str = "",
) -> SignupResult:
    """A visitor submits a value-exchange form: touch the visitor, capture the lead, and
    record the submission as an interaction. Any ``CaptureError`` rolls everything back."""
    from analytics.services import interaction_record

    visitor = visitor_touch(visitor_id=visitor_id, request=request)
    if page_url and not consent.page_url:
        consent = replace(consent, page_url=page_url)
    result = lead_capture(
        email=email,
        consent=consent,
        source=source,
        visitor=visitor,
        profile=profile,
        ip=capture_ip(request),
        medium=medium,
        campaign=campaign,
    )
    visitor.lead = result.lead
    interaction_type = FORM_INTERACTION.get(form, "form_submit")
    props: dict[str, Any] = {"form": form or source}
    if interaction_type == "newsletter_signup":
        props = {"list": "newsletter"}
    if page_url:
        props["url"] = page_url[:2000]
    interaction_record(
        type=interaction_type, properties=props, visitor=visitor, lead=result.lead, request=request
    )
    return SignupResult(lead=result.lead, created=result.created, visitor=visitor)
