"""Writes of the privacy app: banner consent, subject-access requests, export and erasure.

Erasure is driven by ``privacy.registry``: every declared model's rows for the subject are
snapshotted first, then deleted or anonymised, external stores (cache, vectors) are purged,
the address is suppressed for imports, and one ``DeletionLog`` row records counts only.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from core.queue import enqueue
from leads.facade import Lead, Visitor, consent_record, lead_audit
from privacy.hashing import email_hash, normalize_email, token_hash
from privacy.models import DataRequest, DeletionLog, Suppression
from privacy.registry import (
    ANONYMISE,
    DELETE,
    PersonalData,
    Subject,
    active_entries,
    erasure_hooks,
)
from privacy.selectors import (
    leads_for_email,
    subject_for_email,
    subject_for_lead,
)
from privacy.stores import external_purge

if TYPE_CHECKING:
    from core.context import RequestContext

logger = logging.getLogger(__name__)

BANNER_WORDING = (
    "We use necessary cookies to run this site. With your permission we also use analytics "
    "(which pages are read, to improve the site and follow up on your interests) and "
    "marketing (personalised content and offers). You can change your choice at any time "
    "from 'Cookie settings' in the footer."
)
BATCH = 500


class LinkInvalid(Exception):
    """The link does not exist or its token does not match (404)."""


class LinkGone(Exception):
    """The link was already used or has expired (410)."""


# --- banner consent -----------------------------------------------------------------------


@dataclass(frozen=True)
class BannerChoice:
    analytics: bool
    marketing: bool
    effective_analytics: bool
    effective_marketing: bool
    signal: bool
    records: int


def _visitor_for(*, ctx: RequestContext):
    vid = ctx.visitor_id  # the browser's own (signed cookie), whatever its consent
    if not vid:
        return None
    try:
        return Visitor._base_manager.select_related("lead").filter(pk=vid).first()
    except (ValueError, Exception):  # noqa: BLE001 - malformed cookie is just "no visitor"
        return None


@transaction.atomic
def consent_banner_record(
    *, ctx: RequestContext, analytics: bool, marketing: bool, page_url: str = ""
) -> BannerChoice:
    """Record a banner choice as ConsentRecords when the visitor (or its lead) is known.

    The choice itself lives in the ``em_consent`` cookie set by the view; GPC/DNT keep the
    effective analytics and marketing consent off whatever the cookie says (``ctx.consent``).
    """
    signal = ctx.consent.signal if ctx.consent is not None else False
    eff_analytics, eff_marketing = analytics and not signal, marketing and not signal
    visitor = _visitor_for(ctx=ctx)
    lead = getattr(visitor, "lead", None) if visitor is not None else None
    records = 0
    if visitor is not None or lead is not None:
        for purpose, granted in (("analytics", eff_analytics), ("marketing", eff_marketing)):
            consent_record(
                lead=lead,
                visitor=visitor,
                purpose=purpose,
                granted=granted,
                method="banner",
                legal_basis="consent",
                wording=BANNER_WORDING,
                page_url=page_url,
                ip=ctx.ip_truncated,  # truncating a truncated address changes nothing
            )
            records += 1
    return BannerChoice(analytics, marketing, eff_analytics, eff_marketing, signal, records)


# --- subject-access requests -----------------------------------------------------------------


def data_request_create(*, email: str, kind: str, idempotency_key: str = "") -> DataRequest:
    """Record a request; a link is emailed (after commit) only if we hold data on the address.

    The caller answers the same 202 either way, so the response never tells whether the
    address is known.
    """
    if kind not in DataRequest.Kind.values:
        raise ValueError(f"unknown request kind {kind!r}")
    address = normalize_email(email)
    leads = leads_for_email(address)
    # A client's retry (same Idempotency-Key) is the same request: nothing new is stored
    # and no second link is sent.
    if idempotency_key:
        existing = DataRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        request = DataRequest.objects.create(
            kind=kind,
            email_hash=email_hash(address),
            lead_id=leads[0].pk if leads else None,
            status=DataRequest.Status.PENDING if leads else DataRequest.Status.NO_MATCH,
            idempotency_key=idempotency_key,
        )
        if leads:
            from privacy.tasks import send_data_request_link

            enqueue(send_data_request_link, str(request.pk))
    return request


def data_request_link(*, request: DataRequest) -> str | None:
    """Issue the request's single-use token, once: None when a token was already issued
    (a redelivered task must never replace the live link the person already has)."""
    token = secrets.token_urlsafe(32)
    hours = settings.PRIVACY_REQUEST_LINK_HOURS
    claimed = DataRequest.objects.filter(pk=request.pk, token_hash="").update(
        token_hash=token_hash(token), expires_at=timezone.now() + timedelta(hours=hours)
    )
    if not claimed:
        return None
    return f"{settings.SITE_URL}/privacy/requests/{request.pk}/{token}"


@transaction.atomic
def data_request_send_link(*, request_id: str) -> bool:
    """Email the link to the address on file (the lead's, not the one typed in the form).

    The token and the queued email commit together, so the link is issued and sent exactly
    once however often the task runs."""
    request = DataRequest.objects.filter(pk=request_id, status=DataRequest.Status.PENDING).first()
    if request is None or request.used_at is not None or request.lead_id is None:
        return False
    lead = Lead._base_manager.filter(pk=request.lead_id).first()
    if lead is None or getattr(lead, "erased_at", None):
        return False
    link = data_request_link(request=request)
    if link is None:
        return False
    hours = settings.PRIVACY_REQUEST_LINK_HOURS
    if request.kind == DataRequest.Kind.EXPORT:
        subject = "Your EmenTech data export"
        body = (
            "You (or someone using your address) asked for a copy of the personal data "
            f"EmenTech holds about you.\n\nDownload it here (one use, valid {hours} hours):\n"
            f"{link}\n\nIf you did not ask for this, ignore this email; nothing happens."
        )
    else:
        subject = "Confirm erasure of your EmenTech data"
        body = (
            "You (or someone using your address) asked EmenTech to erase the personal data we "
            f"hold about you.\n\nConfirm the erasure here (one use, valid {hours} hours):\n"
            f"{link}\n\nIf you did not ask for this, ignore this email; nothing is erased."
        )
    from mail.facade import queue_email

    queue_email(
        to=lead.email,
        subject=subject,
        text=body,
        kind=f"privacy_{request.kind}_link",
        lead_id=lead.pk,
    )
    return True


def data_request_check(*, request_id: Any, token: str) -> DataRequest:
    """The request a link points at, if the token matches and it is still usable."""
    request = DataRequest.objects.filter(pk=request_id).first()
    if request is None or not request.token_hash:
        raise LinkInvalid()
    if not secrets.compare_digest(request.token_hash, token_hash(token)):
        raise LinkInvalid()
    if request.used_at is not None or request.status == DataRequest.Status.COMPLETED:
        raise LinkGone()
    if request.expires_at is None or request.expires_at <= timezone.now():
        raise LinkGone()
    return request


def data_request_redeem(*, request_id: Any, token: str) -> DataRequest:
    """Use the link once: a conditional update makes a concurrent second use fail (410)."""
    request = data_request_check(request_id=request_id, token=token)
    now = timezone.now()
    claimed = DataRequest.objects.filter(pk=request.pk, used_at__isnull=True).update(
        used_at=now, status=DataRequest.Status.COMPLETED
    )
    if claimed != 1:
        raise LinkGone()
    request.used_at, request.status = now, DataRequest.Status.COMPLETED
    return request


def subject_for_request(request: DataRequest) -> Subject:
    lead = Lead._base_manager.filter(pk=request.lead_id).first()
    if lead is None:
        return Subject()
    return subject_for_lead(lead)


# --- erasure ---------------------------------------------------------------------------------


def _empty_value(f: models.Field) -> Any:
    if f.null:
        return None
    if f.has_default():
        return f.get_default()
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
        return 0
    return ""


def _anonymise_values(entry: PersonalData, obj: models.Model, subject: Subject) -> dict:
    values: dict[str, Any] = {}
    for name in entry.personal:
        try:
            f = obj._meta.get_field(name)
        except FieldDoesNotExist:  # renamed in the owning app: privacy.W002 reports it
            logger.warning("privacy: %s has no field %s", entry.label, name)
            continue
        replacement = entry.replacements.get(name)
        values[f.attname] = replacement(obj, subject) if replacement else _empty_value(f)
    return values


def _needles(subject: Subject) -> list[str]:
    """The person's identifying strings, read before anything is changed."""
    found = set(subject.emails) | set(subject.phones)
    if subject.lead_ids:
        for lead in Lead._base_manager.filter(pk__in=subject.lead_ids):
            for name in ("email", "name", "phone"):
                value = (getattr(lead, name, "") or "").strip()
                if len(value) >= 3:
                    found.add(value)
    return sorted(found)


@transaction.atomic
def subject_erase(
    *,
    subject: Subject,
    method: str,
    verified_by: str,
    actor=None,
    data_request: DataRequest | None = None,
) -> DeletionLog:
    """Erase everything the registry finds for the subject; returns the DeletionLog row."""
    needles = _needles(subject)
    for hook in erasure_hooks():  # other systems (HubSpot, PostHog) before the rows go
        hook(subject)
    primary = sorted(subject.emails)[0] if subject.emails else ""
    plan: list[tuple[PersonalData, type[models.Model], list]] = []
    for entry, model in active_entries():
        qs = entry.queryset(subject)
        if qs is not None:
            plan.append((entry, model, list(qs.values_list("pk", flat=True))))
    deleted: Counter[str] = Counter()
    anonymised: Counter[str] = Counter()
    for entry, model, pks in sorted(plan, key=lambda p: p[0].erase != DELETE):
        manager = entry.manager(model)
        if entry.erase == DELETE:
            for start in range(0, len(pks), BATCH):
                _total, per_model = manager.filter(pk__in=pks[start : start + BATCH]).delete()
                deleted.update({k: v for k, v in per_model.items() if v})
        elif entry.erase == ANONYMISE:
            for obj in manager.filter(pk__in=pks):
                manager.filter(pk=obj.pk).update(**_anonymise_values(entry, obj, subject))
                anonymised[entry.label] += 1
    external = external_purge(needles)
    for address in subject.emails:
        Suppression.objects.get_or_create(email_hash=email_hash(address))
    log = DeletionLog.objects.create(
        email_hash=email_hash(primary) if primary else "",
        method=method,
        verified_by=verified_by[:100],
        actor=actor if getattr(actor, "pk", None) else None,
        data_request=data_request,
        counts={
            "deleted": dict(sorted(deleted.items())),
            "anonymised": dict(sorted(anonymised.items())),
            "external": external,
        },
    )
    _audit_erasure(subject, log, actor)
    logger.info("privacy: erasure %s (%s) counts=%s", log.pk, method, log.counts)
    return log


def _audit_erasure(subject: Subject, log: DeletionLog, actor) -> None:
    for lead_id in subject.lead_ids:
        lead_audit(
            lead_id=lead_id,
            actor=actor if getattr(actor, "pk", None) else None,
            action="privacy_erased",
            changes={"deletion_log": log.pk, "method": log.method},
        )


def lead_erase(*, lead: models.Model, method: str, verified_by: str, actor=None) -> DeletionLog:
    return subject_erase(
        subject=subject_for_lead(lead), method=method, verified_by=verified_by, actor=actor
    )


def data_request_fulfil_erasure(*, request: DataRequest) -> DeletionLog:
    """Erase after the person confirmed through the emailed link."""
    return subject_erase(
        subject=subject_for_request(request),
        method=DeletionLog.Method.USER_REQUEST,
        verified_by="email_link",
        data_request=request,
    )


def lead_export_audit(*, lead: models.Model, actor, fmt: str) -> None:
    """Staff export of a lead's data is itself recorded on the lead's audit trail."""
    lead_audit(lead_id=lead.pk, actor=actor, action="privacy_exported", changes={"format": fmt})


__all__ = [
    "BANNER_WORDING",
    "LinkGone",
    "LinkInvalid",
    "consent_banner_record",
    "data_request_check",
    "data_request_create",
    "data_request_fulfil_erasure",
    "data_request_redeem",
    "data_request_send_link",
    "lead_erase",
    "lead_export_audit",
    "subject_erase",
    "subject_for_email",
]
