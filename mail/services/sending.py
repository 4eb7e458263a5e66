"""Sending: every email is written as an ``OutboundEmail`` row, then delivered by a worker.

``email_queue`` records a ready email (subject, text, optional HTML and attachments);
``email_queue_template`` first renders ``templates/mail/<template>.{subject.txt,txt,html}``.
Both write the row ``queued`` in the caller's transaction and enqueue ``mail.tasks.
deliver_email`` through the outbox, so nothing is sent before commit (or at all on
rollback), no SMTP runs inside a request, and a mail-server error never fails the caller.
``email_deliver`` (the task's body) claims the row so one run sends it, and records the
outcome: sent, failed (retried by the task), bounced, or held by the recipient limits.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.queue import enqueue
from mail.models import OutboundEmail
from mail.redaction import redact_headers, redact_secret_links
from mail.services.links import track_html

logger = logging.getLogger(__name__)

# The one header naming an email we send: its row's token (the recording backend skips it).
EMAIL_HEADER = "X-EmenTech-Email"

Attachment = tuple[str, bytes | str, str]  # (file name, content, MIME type)


class EmailError(Exception):
    """An email could not be built (unknown template, no subject)."""


def _encode(attachments: Seq[Attachment]) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "mimetype": mimetype,
            "content": base64.b64encode(
                content.encode() if isinstance(content, str) else content
            ).decode(),
        }
        for name, content, mimetype in attachments
    ]


def email_queue(
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    html: str = "",
    lead_id: Any = None,
    category: str = "transactional",
    attachments: Seq[Attachment] = (),
    headers: dict[str, str] | None = None,
    key: str | None = None,
    track: bool = False,
    skip_tracking_prefixes: Iterable[str] = (),
    token: uuid.UUID | None = None,
) -> OutboundEmail:
    """Record one email and queue its delivery by the worker after commit.

    ``kind`` names the email (stored as the row's template). With ``key``, a second call
    with the same key queues nothing and returns the first row. With ``track``, the HTML
    body's links become signed click links and it gets the open pixel.
    """
    if key is not None:
        key = key[:200]
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    subject = " ".join(str(subject).split())[:300]
    if not subject:
        raise EmailError(f"email {kind!r} has no subject")
    row = OutboundEmail(
        token=token or uuid.uuid4(),
        key=key,
        template=kind[:100],
        category=category[:50],
        to_email=to,
        lead_id=lead_id,
        subject=subject,
        body_text=text,
        headers=dict(headers or {}),
        attachment_names=[a[0] for a in attachments],
        attachments_data=_encode(attachments),
    )
    if html and track:
        html = track_html(html, str(row.token), skip_prefixes=skip_tracking_prefixes)
    row.body_html = html or ""
    if key is None:
        row.save()
    else:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # queued meanwhile by a concurrent call with the same key
            return OutboundEmail.objects.get(key=key)
    from mail import tasks

    enqueue(tasks.deliver_email, row.pk, key=f"email:{row.pk}")
    return row


def _render_optional(name: str, context: dict) -> str | None:
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)


def email_queue_template(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    lead_id: Any = None,
    subject: str | None = None,
    category: str = "",
    track: bool = True,
    skip_tracking_prefixes: Iterable[str] = (),
    attachments: Seq[Attachment] = (),
    headers: dict[str, str] | None = None,
    key: str | None = None,
) -> OutboundEmail:
    """Render ``templates/mail/<template>.*`` and queue it (``email_queue``).

    The subject is ``subject`` or ``mail/<template>.subject.txt``. Templates see the
    context plus ``site_url``, ``site_name``, ``email_token`` and ``lead``.
    """
    token = uuid.uuid4()
    lead = context.get("lead")
    if lead is None and lead_id is not None:
        lead = (
            OutboundEmail._meta.get_field("lead").related_model.objects.filter(pk=lead_id).first()
        )
    ctx = {
        **context,
        "site_url": settings.SITE_URL,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "EmenTech"),
        "email_token": str(token),
        "lead": lead,
    }
    if subject is None:
        rendered = _render_optional(f"mail/{template}.subject.txt", ctx)
        subject = (rendered or ctx.get("subject") or "").strip()
    if not subject:
        raise EmailError(f"email template {template!r} has no subject")
    try:
        text = render_to_string(f"mail/{template}.txt", ctx)
    except TemplateDoesNotExist as exc:
        raise EmailError(f"no template mail/{template}.txt") from exc
    return email_queue(
        to=to,
        subject=subject,
        text=text,
        html=_render_optional(f"mail/{template}.html", ctx) or "",
        kind=template,
        lead_id=lead_id if lead_id is not None else getattr(lead, "pk", None),
        category=category,
        attachments=attachments,
        headers=headers,
        key=key,
        track=track,
        skip_tracking_prefixes=skip_tracking_prefixes,
        token=token,
    )


# --- Delivery (the worker) -----------------------------------------------------------------------


def _claim(email_id: int) -> bool:
    """Take the row for this delivery: only one run sends it (a redelivered or duplicated
    task finds it claimed). A claim older than ``EMAIL_CLAIM_TIMEOUT_SECONDS`` (a worker
    killed mid-send) may be taken again."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS)
    claimable = Q(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED]) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=stale
    )
    return bool(
        OutboundEmail.objects.filter(claimable, pk=email_id).update(
            status=OutboundEmail.Status.SENDING, claimed_at=now
        )
    )


def email_deliver(*, email_id: int) -> str:
    """Deliver a queued (or failed) row, e.g. from the worker; returns the new status."""
    if not _claim(email_id):
        row = OutboundEmail.objects.filter(pk=email_id).only("status").first()
        return row.status if row is not None else "missing"
    row = OutboundEmail.objects.get(pk=email_id)
    _deliver(row)
    return row.status


def email_limit_reason(*, to: str) -> str:
    """Why another email to ``to`` may not go now ('' if it may): per recipient per hour
    and per day, and a global hourly cap, counted from the sent rows (durable, any worker)."""
    now = timezone.now()
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
    hour = sent.filter(sent_at__gte=now - dt.timedelta(hours=1))
    if hour.count() >= settings.EMAIL_GLOBAL_LIMIT_PER_HOUR:
        return "global hourly email cap reached"
    mine = sent.filter(to_email__iexact=to)
    if hour.filter(to_email__iexact=to).count() >= settings.EMAIL_RECIPIENT_LIMIT_PER_HOUR:
        return "recipient hourly limit reached"
    if (
        mine.filter(sent_at__gte=now - dt.timedelta(days=1)).count()
        >= settings.EMAIL_RECIPIENT_LIMIT_PER_DAY
    ):
        return "recipient daily limit reached"
    return ""


def _deliver(row: OutboundEmail) -> None:
    reason = email_limit_reason(to=row.to_email)
    if reason:
        logger.warning("email %s (%s) held: %s", row.pk, row.template, reason)
        row.status, row.error = OutboundEmail.Status.LIMITED, reason
        row.save(update_fields=["status", "error"])
        return
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={**row.headers, EMAIL_HEADER: str(row.token)},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for a in row.attachments_data:
        message.attach(a["name"], base64.b64decode(a["content"]), a["mimetype"])
    row.attempts += 1
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        row.status = OutboundEmail.Status.BOUNCED
        row.bounced_at = timezone.now()
        row.error = str(exc)[:2000]
    except Exception as exc:  # noqa: BLE001 - recorded on the row, never lost
        logger.warning("email %s to template %s failed: %s", row.pk, row.template, exc)
        row.status = OutboundEmail.Status.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        row.status = OutboundEmail.Status.SENT
        row.sent_at = timezone.now()
        row.error = ""
    fields = ["status", "sent_at", "bounced_at", "error", "attempts"]
    if row.status != OutboundEmail.Status.FAILED:
        # Delivered (or refused for good): the stored copy keeps no usable link token and
        # no attachment bytes. A failed row keeps both until a retry delivers it.
        row.body_text = redact_secret_links(row.body_text)
        row.body_html = redact_secret_links(row.body_html)
        row.headers = redact_headers(row.headers)
        row.attachments_data = []
        fields += ["body_text", "body_html", "headers", "attachments_data"]
    row.save(update_fields=fields)


def email_retry(*, email_id: int) -> str:
    """Queue a failed email again (the same row, the same tracking token)."""
    row = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.FAILED).first()
    if row is None:
        return "skipped"
    from mail import tasks

    enqueue(tasks.deliver_email, row.pk, key=f"email:{row.pk}:retry:{row.attempts}")
    return row.status


def email_mark_bounced(*, email_id: int, reason: str = "") -> None:
    row = OutboundEmail.objects.filter(pk=email_id).first()
    if row is None:
        return
    row.status = OutboundEmail.Status.BOUNCED
    row.bounced_at = timezone.now()
    row.error = (reason or row.error)[:2000]
    row.save(update_fields=["status", "bounced_at", "error"])
