"""A visitor corrects the address they just gave ("sorry, typo: it's …").

Changing a lead's email is changing whose lead it is, so it is allowed only while the lead
is plainly the caller's own and nobody else's: created through ``channel`` a few minutes
ago, linked to the caller's browser and no other, its address typed by no other browser and
sent no verification link, with consent given through that channel only, never edited by
staff. Anything else is refused with a ``CaptureError``; the caller keeps the old address and
tells the visitor that a person will change it. The change is audited.

When the new address already belongs to a lead, the answer must not say so (the chat never
reveals whether an address is known): the caller's fresh lead is retired as a mistyped
duplicate, and the caller captures the new address as it would have at first, which for a
known address is only a claim (``lead_claim``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import ConsentRecord, Lead, LeadAudit, VerificationLink, Visitor
from leads.services.capture import _schedule_lead_work
from leads.services.inputs import CaptureError, normalize_email
from leads.services.synthetic import is_synthetic_email

# How long after its creation a lead's address may still be corrected by its visitor.
EMAIL_CORRECTION_WINDOW = timedelta(minutes=30)

_LOCKED = "This address can no longer be changed here; a colleague will update it."


@dataclass
class EmailCorrection:
    lead: Lead
    # The new address is another lead's: ``lead`` was retired (soft-deleted); capture the
    # address again as usual.
    retired: bool = False


@transaction.atomic
def lead_email_correct(
    *, lead: Lead, email: str, visitor: Visitor | None, channel: str
) -> EmailCorrection:
    """Replace ``lead``'s address with ``email`` for the visitor who just created it."""
    email = (email or "").strip() if isinstance(email, str) else ""
    try:
        if not email or len(email) > 254:
            raise ValidationError("invalid")
        validate_email(email)
    except ValidationError:
        raise CaptureError({"email": ["Enter a valid email address."]}) from None
    if is_synthetic_email(email):
        raise CaptureError({"email": ["This address is reserved for synthetic demo data."]})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    normalized = normalize_email(email)
    if normalized == lead.email_normalized:
        return EmailCorrection(lead)
    if not _is_callers_own(lead, visitor, channel):
        raise CaptureError({"email": [_LOCKED]})
    before = lead.email
    if Lead.all_objects.filter(email_normalized=normalized).exists():
        lead.deleted_at = timezone.now()
        lead.save(update_fields=["deleted_at", "updated_at"])
        LeadAudit.objects.create(
            lead=lead,
            actor=None,
            action="retired_as_mistyped",
            changes={"email": {"from": before, "to": email}, "channel": channel[:50]},
        )
        return EmailCorrection(lead, retired=True)
    lead.email, lead.email_normalized = email, normalized
    try:
        with transaction.atomic():
            lead.save(update_fields=["email", "email_normalized", "updated_at"])
    except IntegrityError:  # the address was captured concurrently
        raise CaptureError({"email": [_LOCKED]}) from None
    LeadAudit.objects.create(
        lead=lead,
        actor=None,
        action="email_corrected",
        changes={"email": {"from": before, "to": email}, "channel": channel[:50]},
    )
    _schedule_lead_work(lead.pk)
    return EmailCorrection(lead)


def _is_callers_own(lead: Lead, visitor: Visitor | None, channel: str) -> bool:
    """``visitor`` is the caller's browser; None when the caller proves the lead is theirs
    another way (the chat conversation that created it), and then no browser may be
    linked to the lead at all."""
    if lead.deleted_at is not None:
        return False
    if visitor is not None and visitor.lead_id != lead.pk:
        return False
    if timezone.now() - lead.created_at > EMAIL_CORRECTION_WINDOW:
        return False
    others = Visitor.objects.exclude(pk=visitor.pk) if visitor is not None else Visitor.objects
    if (
        others.filter(lead=lead).exists()
        or others.filter(claimed_email=lead.email_normalized).exists()
    ):
        return False  # another browser is linked to it or has typed its address
    if VerificationLink.objects.filter(lead=lead).exists():
        return False  # a link was mailed to the address: someone may be proving it
    if ConsentRecord.objects.filter(lead=lead).exclude(method=channel).exists():
        return False
    return not LeadAudit.objects.filter(lead=lead, actor__isnull=False).exists()
