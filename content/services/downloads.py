"""Gated downloads: the fields still to ask, the signed link emailed to the address given,
and opening it (counted once, recorded on the lead).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db import transaction

from content.services.engagement import engagement_record
from core.errors import ApplicationError

if TYPE_CHECKING:
    from core.context import RequestContext

# --- Gated downloads ------------------------------------------------------------------------------

DOWNLOAD_SALT = "content.resource-download"


class DownloadError(ApplicationError):
    """A download request that cannot be granted; ``details`` is ``{field: [messages]}``."""

    def __init__(self, details: dict[str, list[str]], *, code: str = ApplicationError.INVALID):
        super().__init__("Invalid input.", details, code=code)


class DownloadDenied(Exception):
    """A download link that is tampered, expired or points at something withdrawn."""


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: object
    lead_id: object | None


def link_max_age() -> int:
    from django.conf import settings

    return int(getattr(settings, "CONTENT_DOWNLOAD_LINK_MAX_AGE", 72 * 3600))


def _signer():
    from django.core.signing import TimestampSigner

    return TimestampSigner(salt=DOWNLOAD_SALT)


def gate_fields_to_ask(*, page, lead, fields: list[str] | None = None) -> list[str]:
    """The gate's required fields the visitor has not given yet (email only when we do not
    know who they are), in the order the marketer listed them. ``fields`` replaces the
    page's list (the visitor's variant of a form field set test)."""
    from leads.facade import next_fields, profile_field_filled, profile_form_fields

    if not page.is_gated:
        return []
    required = list(page.required_fields or []) if fields is None else list(fields)
    if "email" not in required:
        required.insert(0, "email")
    if lead is None:
        return required
    form_fields = set(profile_form_fields(form="resource_download"))
    missing = set(next_fields(form="resource_download", lead=lead))
    ask = []
    for name in required:
        if name == "email":
            continue
        if name in form_fields:
            if name in missing:
                ask.append(name)
        elif not profile_field_filled(value=getattr(lead, name, None)):
            ask.append(name)
    return ask


@transaction.atomic
def download_request(
    *,
    page,
    data: dict,
    visitor=None,
    lead=None,
    ctx: RequestContext | None = None,
    fields: list[str] | None = None,
) -> DownloadLink:
    """Check the gate, capture the lead with consent (``data["consent"]`` is a
    ``ConsentInput``, from leads' consent parser), and issue a signed, expiring link (also
    emailed). ``fields`` is the visitor's form variant (``None``: the page's own): only
    those are required and only those are stored; anything else in ``data`` is ignored.
    Raises ``DownloadError`` with per-field details."""
    import datetime as dt

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from content.models import DownloadGrant, EngagementKind
    from leads.facade import CaptureError, ConsentInput, capture_ip, lead_capture

    if page.document_id is None:
        raise DownloadError(
            {"document": ["This resource has no document yet."]}, code=DownloadError.CONFLICT
        )
    if lead is None and visitor is not None and visitor.lead_id:
        lead = visitor.lead
    ask = gate_fields_to_ask(page=page, lead=lead, fields=fields)
    errors: dict[str, list[str]] = {}
    for name in ask:
        value = data.get(name)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            errors[name] = ["This field is required."]
    consent = data.get("consent") or ConsentInput(data_processing=False)
    if ask and not consent.data_processing:
        errors.setdefault("consent", []).append(
            "Please agree to us processing your details to send the resource."
        )
    if errors:
        raise DownloadError(errors)
    if ask:
        profile = {n: data[n] for n in ask if n != "email"}
        email = data.get("email") or (lead.email if lead is not None else "")
        try:
            captured = lead_capture(
                email=email,
                consent=replace(
                    consent,
                    method="checkbox",
                    wording=(consent.wording or page.value_exchange)[:1000],
                    page_url=page.get_url() or "",
                ),
                source="resource_download",
                visitor=visitor,
                profile=profile,
                ip=capture_ip(ctx=ctx),
            )
        except CaptureError as exc:
            raise DownloadError(exc.details) from exc
        # A browser that only claimed a known address gets the link, not that lead's history.
        lead = captured.lead if captured.verified else None
    expires_at = timezone.now() + dt.timedelta(seconds=link_max_age())
    grant = DownloadGrant.objects.create(
        page_id=page.pk, lead=lead, document_id=page.document_id, expires_at=expires_at
    )
    token = _signer().sign_object({"g": grant.pk, "p": page.pk, "d": page.document_id})
    url = settings.SITE_URL + reverse("content-download", args=[token])
    engagement_record(
        page_id=page.pk, kind=EngagementKind.DOWNLOAD_REQUEST, visitor=visitor, lead=lead
    )
    if lead is not None:
        _email_link(lead_email=lead.email, name=lead.name, page=page, url=url)
    return DownloadLink(url=url, expires_at=expires_at, lead_id=lead.pk if lead else None)


def _email_link(*, lead_email: str, name: str, page, url: str) -> None:
    from django.conf import settings
    from django.template.loader import render_to_string

    context = {
        "name": name,
        "page": page,
        "url": url,
        "hours": link_max_age() // 3600,
        "site_url": settings.SITE_URL,
    }
    body = render_to_string("content/email/download_link.txt", context)
    subject = f"Your download: {page.title}"
    # Queued for the worker with the grant (no SMTP in the request; per-recipient limits).
    from mail.facade import queue_email

    queue_email(to=lead_email, subject=subject, text=body, kind="download_link")


@transaction.atomic
def download_open(*, token: str, visitor=None, ctx: RequestContext | None = None):
    """Check a download link and count the download; returns the document to stream.
    Raises ``DownloadDenied`` for a tampered or expired link or a withdrawn resource."""
    from django.core.signing import BadSignature
    from wagtail.documents import get_document_model

    from content.models import DownloadGrant, EngagementKind, ResourcePage

    try:
        payload = _signer().unsign_object(token, max_age=link_max_age())
        grant = DownloadGrant.objects.select_for_update().get(pk=int(payload["g"]))
        page_id, document_id = int(payload["p"]), int(payload["d"])
    except (BadSignature, KeyError, TypeError, ValueError, DownloadGrant.DoesNotExist) as exc:
        raise DownloadDenied("This download link is invalid or has expired.") from exc
    page = ResourcePage.objects.live().filter(pk=page_id).first()
    if (
        page is None
        or grant.page_id != page_id
        or grant.document_id != document_id
        or page.document_id != document_id
    ):
        raise DownloadDenied("This resource is no longer available.")
    document = get_document_model().objects.get(pk=document_id)
    grant.downloads += 1
    grant.save(update_fields=["downloads"])
    lead = grant.lead
    engagement_record(page_id=page.pk, kind=EngagementKind.DOWNLOAD, visitor=visitor, lead=lead)
    if lead is not None or visitor is not None:
        from analytics.facade import interaction_record

        interaction_record(
            type="resource_download",
            properties={
                "url": page.get_url() or "",
                "path": page.url_path,
                "resource_id": str(page.pk),
                "resource_type": page.resource_type,
                "title": page.title,
            },
            visitor=visitor,
            lead=lead,
            ctx=ctx,
        )
    return document


@transaction.atomic
def resource_form_fields_set(*, page_id, fields: list[str], actor=None) -> None:
    """Make ``fields`` the download form's own: a new revision, published, with the actor."""
    from content.models import ResourcePage

    page = ResourcePage.objects.get(pk=page_id)
    page.required_fields = list(fields)
    revision = page.save_revision(user=actor, log_action=True)
    revision.publish(user=actor)
