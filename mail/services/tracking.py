"""Open and click tracking: the pixel and the signed click redirect count on the row and,
for a lead's email, become ``email_open`` / ``email_click`` interactions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mail.models import OutboundEmail
from mail.services.links import absolute_url, click_signature_valid, redirect_url_allowed

if TYPE_CHECKING:
    from core.context import RequestContext


def _record_email_interaction(
    email: OutboundEmail, type_: str, properties: dict, *, ctx: RequestContext | None
) -> None:
    if email.lead_id is None:
        return
    from analytics.facade import interaction_record

    interaction_record(
        type=type_,
        properties={
            "email_id": str(email.token),
            "template": email.template,
            "category": email.category,
            **properties,
        },
        lead=email.lead,
        ctx=ctx,
    )


@transaction.atomic
def email_opened(*, token: str, ctx: RequestContext | None = None) -> OutboundEmail | None:
    email = OutboundEmail.objects.select_for_update().filter(token=token).first()
    if email is None:
        return None
    now = timezone.now()
    first = email.first_opened_at is None
    email.open_count += 1
    email.first_opened_at = email.first_opened_at or now
    email.save(update_fields=["open_count", "first_opened_at"])
    if first:
        _record_email_interaction(email, "email_open", {}, ctx=ctx)
    return email


@dataclass(frozen=True)
class ClickResult:
    allowed: bool
    url: str = ""
    reason: str = ""


@transaction.atomic
def email_clicked(
    *, token: str, url: str, signature: str, ctx: RequestContext | None = None
) -> ClickResult:
    """Record a click and say where to go; refuses bad signatures and disallowed URLs."""
    if not click_signature_valid(token, url, signature):
        return ClickResult(False, reason="bad_signature")
    if not redirect_url_allowed(url):
        return ClickResult(False, reason="url_not_allowed")
    email = OutboundEmail.objects.select_for_update().filter(token=token).first()
    if email is None:
        return ClickResult(False, reason="unknown_email")
    now = timezone.now()
    email.click_count += 1
    email.first_clicked_at = email.first_clicked_at or now
    # A click proves the email was opened even when images were blocked.
    email.first_opened_at = email.first_opened_at or now
    email.save(update_fields=["click_count", "first_clicked_at", "first_opened_at"])
    _record_email_interaction(email, "email_click", {"link_clicked": url[:2000]}, ctx=ctx)
    return ClickResult(True, url=absolute_url(url) if url.startswith("/") else url)
