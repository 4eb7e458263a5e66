"""Capture: create-or-update a lead by email from a form, the chat or the API, and the
public sign-up that wraps it (visitor, capture, interaction)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.queue import enqueue
from leads.models import Lead, LeadAudit, Visitor
from leads.services.consent import consent_record
from leads.services.inputs import (
    PROFILE_FIELDS,
    CaptureError,
    CaptureResult,
    ConsentInput,
    _clean_profile,
    _merge_profile,
    normalize_email,
)
from leads.services.synthetic import is_synthetic_email
from leads.services.visitors import visitor_link, visitor_touch

if TYPE_CHECKING:
    from core.context import RequestContext

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
    trusted: bool = False,
) -> CaptureResult:
    """Create or update the lead with this email (case-insensitive) from a form/chat/API.

    Requires consent to data processing. A new lead is created and linked to ``visitor``
    (verified by construction). An existing lead is updated only for a *verified* caller:
    ``visitor`` already linked to it, a staff ``actor``, or ``trusted`` server code; it
    never overwrites a known field with an empty one. Anyone else only *claims* the address
    (``leads.services.identity.lead_claim``): nothing of the lead changes, the submission is
    kept for sales to accept, and the address gets a "continue where you left off" link.
    """
    errors: dict[str, list[str]] = {}
    email = (email or "").strip() if isinstance(email, str) else ""
    try:
        if not email or len(email) > 254:
            raise ValidationError("invalid")
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    else:
        if is_synthetic_email(email):  # the demo's marker: such a lead is reloaded away
            errors["email"] = ["This address is reserved for synthetic demo data."]
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
    verified = (
        trusted
        or getattr(actor, "pk", None) is not None
        or (lead is not None and visitor is not None and visitor.lead_id == lead.pk)
    )
    if lead is not None and not verified:
        from leads.services.identity import lead_claim

        return lead_claim(lead=lead, visitor=visitor, source=source, fields=clean)
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
        except IntegrityError:  # the same email captured concurrently: that browser won
            lead = _find_for_update(normalized)
            if lead is None:
                raise
            if not verified:
                from leads.services.identity import lead_claim

                return lead_claim(lead=lead, visitor=visitor, source=source, fields=clean)
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
    return CaptureResult(lead=lead, created=created, verified=True)


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
    from scoring.facade import lead_rescore_soon

    lead_rescore_soon(lead_id=lead_id, reason="created" if first else "lead_changed", first=first)


def capture_ip(*, ctx: RequestContext | None) -> str:
    """The truncated client address to store with a consent record ('' without a context)."""
    return ctx.ip_truncated if ctx is not None else ""


# --- Public sign-up (POST /api/leads) ------------------------------------------------

FORM_INTERACTION = {"newsletter": "newsletter_signup"}


@dataclass(frozen=True)
class SignupResult:
    """``lead`` is for the server only; when ``verified`` is False the browser merely claimed
    the address and must be answered exactly as if the address were new."""

    lead: Lead
    created: bool
    visitor: Visitor
    verified: bool = True


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
    ctx: RequestContext | None = None,
    medium: str = "",
    campaign: str = "",
) -> SignupResult:
    """A visitor submits a value-exchange form: touch the visitor, capture the lead, and
    record the submission as an interaction. Any ``CaptureError`` rolls everything back.
    ``ctx`` (the request context) gives the consent record's truncated address and the
    interaction's device; ``visitor_id`` is the caller's choice (the cookie's, for a browser)."""
    from analytics.facade import interaction_record

    visitor = visitor_touch(visitor_id=visitor_id, ctx=ctx)
    if page_url and not consent.page_url:
        consent = replace(consent, page_url=page_url)
    result = lead_capture(
        email=email,
        consent=consent,
        source=source,
        visitor=visitor,
        profile=profile,
        ip=capture_ip(ctx=ctx),
        medium=medium,
        campaign=campaign,
    )
    # A claimed address attributes nothing to its lead: the submission stays the browser's.
    lead = result.lead if result.verified else None
    if lead is not None:
        visitor.lead = lead
    interaction_type = FORM_INTERACTION.get(form, "form_submit")
    props: dict[str, Any] = {"form": form or source}
    if interaction_type == "newsletter_signup":
        props = {"list": "newsletter"}
    if page_url:
        props["url"] = page_url[:2000]
    interaction_record(type=interaction_type, properties=props, visitor=visitor, lead=lead, ctx=ctx)
    return SignupResult(
        lead=result.lead, created=result.created, visitor=visitor, verified=result.verified
    )
