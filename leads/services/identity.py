"""Identity writes: a browser claims an address, the address's owner verifies a browser.

- ``lead_claim``: a browser that is not verified for an existing lead typed its address.
  Nothing of the lead changes (no field, no un-delete, no consent row, no link); what was
  submitted is kept as a ``LeadAudit`` row (``unverified_submission``) that sales can see
  and accept in the admin; the address gets a "continue where you left off" email with a
  one-time link (at most one per lead every ``CONTINUE_EMAIL_EVERY``).
- ``verification_link_open``: the link verifies the browser that opens it (its visitor is
  linked to the lead and its history stitched). The token is stored only as a SHA-256.
- ``unverified_submission_accept``: a salesperson applies a kept submission (audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from leads.models import Lead, LeadAudit, VerificationLink, Visitor
from leads.services.inputs import PROFILE_FIELDS, CaptureResult, _clean_profile, _merge_profile
from leads.services.visitors import visitor_link

UNVERIFIED_SUBMISSION = "unverified_submission"
LINK_LIFETIME = dt.timedelta(hours=24)
CONTINUE_EMAIL_EVERY = dt.timedelta(minutes=15)
CONTINUE_PATH = "/continue/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def lead_claim(
    *, lead: Lead, visitor: Visitor | None, source: str, fields: dict[str, Any]
) -> CaptureResult:
    """An unverified browser submitted an existing lead's address (see the module doc)."""
    if visitor is not None and visitor.claimed_email != lead.email_normalized:
        visitor.claimed_email = lead.email_normalized
        Visitor.objects.filter(pk=visitor.pk).update(claimed_email=lead.email_normalized)
    LeadAudit.objects.create(
        lead=lead,
        action=UNVERIFIED_SUBMISSION,
        changes={
            "note": "submitted from an unverified browser",
            "source": (source or "")[:100],
            "visitor": str(visitor.pk) if visitor is not None else "",
            "proposed": fields,
            "status": "pending",
        },
    )
    if lead.deleted_at is None and not (lead.preferences or {}).get("do_not_contact"):
        verification_link_send(lead=lead, requested_by=visitor)
    return CaptureResult(lead=lead, created=False, verified=False)


def verification_link_send(*, lead: Lead, requested_by: Visitor | None = None) -> bool:
    """Email the lead a one-time "continue where you left off" link (after commit, at most
    once per ``CONTINUE_EMAIL_EVERY`` per lead). Returns whether an email was queued."""
    if not cache.add(f"leads:continue-mail:{lead.pk}", 1, CONTINUE_EMAIL_EVERY.total_seconds()):
        return False
    token = secrets.token_urlsafe(32)
    VerificationLink.objects.create(
        lead=lead,
        token_hash=token_hash(token),
        requested_by=requested_by,
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    from mail.facade import queue_template_email

    queue_template_email(
        to=lead.email,
        template="continue_link",
        context={
            "continue_url": f"{settings.SITE_URL}{CONTINUE_PATH}{token}",
            "hours": int(LINK_LIFETIME.total_seconds() // 3600),
        },
        lead_id=lead.pk,
        category="transactional",
        track=False,
    )
    return True


def _usable_link(token: str, *, for_update: bool = False) -> VerificationLink | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    rows = VerificationLink.objects.select_related("lead")
    if for_update:
        rows = rows.select_for_update()
    link = rows.filter(token_hash=token_hash(token)).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    if link.lead.deleted_at is not None or link.lead.erased_at is not None:
        return None
    return link


def verification_link_valid(*, token: str) -> bool:
    """Whether the link can still be used (it is not used up by asking)."""
    return _usable_link(token) is not None


@transaction.atomic
def verification_link_open(*, token: str, visitor: Visitor) -> Lead | None:
    """Use a link once: ``visitor`` (the browser that opened it) becomes verified for the
    lead. None for an unknown, used or expired token, or a lead that is gone."""
    link = _usable_link(token, for_update=True)
    if link is None:
        return None
    lead = link.lead
    now = timezone.now()
    link.used_at = now
    link.save(update_fields=["used_at"])
    visitor_link(visitor=visitor, lead=lead)
    Visitor.objects.filter(pk=visitor.pk).update(verified_at=now, claimed_email="")
    visitor.verified_at = now
    LeadAudit.objects.create(
        lead=lead, action="browser_verified", changes={"visitor": str(visitor.pk)}
    )
    from leads.services.capture import _schedule_lead_work

    _schedule_lead_work(lead.pk)
    return lead


@transaction.atomic
def unverified_submission_accept(*, audit: LeadAudit, actor) -> Lead:
    """A salesperson accepts a kept submission: its values are applied like a verified
    capture (new values replace old ones, an empty value never does), audited with the
    salesperson."""
    audit = LeadAudit.objects.select_for_update().get(pk=audit.pk)
    lead = Lead.all_objects.select_for_update().get(pk=audit.lead_id)
    if audit.action != UNVERIFIED_SUBMISSION or audit.changes.get("status") != "pending":
        return lead
    clean = _clean_profile(audit.changes.get("proposed") or {}, allowed=PROFILE_FIELDS)
    changed = _merge_profile(lead, clean)
    if changed:
        lead.save(update_fields=[*set(changed), "updated_at"])
    audit.changes = {**audit.changes, "status": "accepted"}
    audit.save(update_fields=["changes"])
    LeadAudit.objects.create(
        lead=lead,
        actor=actor,
        action="submission_accepted",
        changes={"submission": audit.pk, "fields": sorted(set(changed))},
    )
    return lead
