"""Outbound email: signed links, sending through ``OutboundEmail`` rows, open and click tracking.

``email_send`` renders ``templates/nurture/email/<template>.{subject.txt,txt,html}``, writes
the row *before* sending, sends through Django's email backend and records the outcome on
the row (sent, failed, bounced). HTML bodies get an open pixel and signed click links that
only lead to allowed hosts.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import smtplib
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

from core.queue import enqueue
from leads.models import Lead
from nurture.models import (
    OutboundEmail,
)

logger = logging.getLogger(__name__)

logger = logging.getLogger(__name__)

CLICK_SALT = "nurture.click"


class EmailError(Exception):
    """An email could not be built (unknown template, no subject)."""


# --- Links ---------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return urljoin(settings.SITE_URL + "/", path.lstrip("/")) if path.startswith("/") else path


def redirect_allowed_hosts() -> set[str]:
    """Hosts a tracked click may lead to: this site plus ``NURTURE_REDIRECT_HOSTS``."""
    hosts = {urlsplit(settings.SITE_URL).netloc}
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            hosts.add(host)
    hosts.update(getattr(settings, "NURTURE_REDIRECT_HOSTS", []))
    return {h for h in hosts if h}


def redirect_url_allowed(url: str) -> bool:
    if not url or len(url) > 2000:
        return False
    target = absolute_url(url) if url.startswith("/") and not url.startswith("//") else url
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts=redirect_allowed_hosts(), require_https=False
    ) and urlsplit(target).scheme in {"http", "https"}


def _click_signature(token: str, url: str) -> str:
    return signing.Signer(salt=CLICK_SALT).signature(f"{token}|{url}")


def click_url(email: OutboundEmail, url: str) -> str:
    """A signed tracking link that records the click then redirects to ``url``."""
    token = str(email.token)
    query = urlencode({"u": url, "s": _click_signature(token, url)})
    return absolute_url(f"/e/c/{token}?{query}")


def click_signature_valid(token: str, url: str, signature: str) -> bool:
    return bool(signature) and constant_time_compare(_click_signature(token, url), signature)


def pixel_url(email: OutboundEmail) -> str:
    return absolute_url(f"/e/o/{email.token}.gif")


# Links that must work exactly as written (consent and unsubscribe): never wrapped.
NEVER_TRACK = ("/api/newsletter/unsubscribe/", "/newsletter/preferences/", "/newsletter/confirm/")
_HREF_RE = re.compile(r'href="([^"]+)"')


def _track_html(html: str, email: OutboundEmail, *, skip_prefixes: Iterable[str] = ()) -> str:
    """Rewrite allowed links to signed tracking links and add the open pixel."""
    prefixes = (*NEVER_TRACK, *skip_prefixes)
    skip = tuple(absolute_url(p) for p in prefixes) + prefixes

    def rewrite(match: re.Match) -> str:
        url = match.group(1).replace("&amp;", "&")
        if url.startswith(("mailto:", "tel:", "#")) or url.startswith(skip):
            return match.group(0)
        if not redirect_url_allowed(url):
            return match.group(0)
        return 'href="{}"'.format(click_url(email, url).replace("&", "&amp;"))

    html = _HREF_RE.sub(rewrite, html)
    pixel = f'<img src="{pixel_url(email)}" width="1" height="1" alt="" style="display:none">'
    if "</body>" in html:
        return html.replace("</body>", pixel + "</body>", 1)
    return html + pixel


# --- Sending -------------------------------------------------------------------------------------


def _render_optional(name: str, context: dict) -> str | None:
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    lead: Lead | None = None,
    attachments: Seq[tuple[str, bytes | str, str]] = (),
    headers: dict[str, str] | None = None,
    category: str = "",
    subject: str | None = None,
    track: bool = True,
    skip_tracking_prefixes: Iterable[str] = (),
    defer: bool = False,
) -> OutboundEmail:
    """Render, record and send one email; returns the row (its ``status`` tells the outcome).

    The subject is ``subject`` or ``nurture/email/<template>.subject.txt``. A failure to
    send is recorded on the row (``failed``, or ``bounced`` when the server refused the
    recipient) and never raised: callers read ``row.status``. With ``defer=True`` (request
    paths) the row is written ``queued`` and a Celery task delivers it after commit, with
    retries; nothing is sent if the transaction rolls back.
    """
    row = OutboundEmail(
        template=template[:100],
        category=category[:50],
        to_email=to,
        lead=lead,
        headers=dict(headers or {}),
        attachment_names=[a[0] for a in attachments],
    )
    ctx = {
        **context,
        "site_url": settings.SITE_URL,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "EmenTech"),
        "email_token": str(row.token),
        "lead": context.get("lead", lead),
    }
    if subject is None:
        rendered = _render_optional(f"nurture/email/{template}.subject.txt", ctx)
        subject = (rendered or ctx.get("subject") or "").strip()
    if not subject:
        raise EmailError(f"email template {template!r} has no subject")
    row.subject = " ".join(subject.split())[:300]
    try:
        row.body_text = render_to_string(f"nurture/email/{template}.txt", ctx)
    except TemplateDoesNotExist as exc:
        raise EmailError(f"no template nurture/email/{template}.txt") from exc
    html = _render_optional(f"nurture/email/{template}.html", ctx)
    if html and track:
        html = _track_html(html, row, skip_prefixes=skip_tracking_prefixes)
    row.body_html = html or ""
    if defer:
        row.attachments_data = [
            {
                "name": name,
                "mimetype": mimetype,
                "content": base64.b64encode(
                    content.encode() if isinstance(content, str) else content
                ).decode(),
            }
            for name, content, mimetype in attachments
        ]
    row.save()
    if defer:
        from nurture import tasks

        enqueue(tasks.deliver_email, row.pk, key=f"email:{row.pk}")
    else:
        _deliver(row, attachments)
    return row


def email_message_queue(
    *,
    message: EmailMessage,
    template: str,
    category: str = "transactional",
    lead: Lead | None = None,
) -> OutboundEmail:
    """Queue an already built message (one recipient) for the worker: an ``OutboundEmail``
    row plus a delivery task in the caller's transaction. Request paths use this instead of
    ``message.send()``: no SMTP inside a request, and a mail-server error never fails it."""
    to = message.to[0]
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    attachments = []
    for name, content, mimetype in message.attachments:
        raw = content.encode() if isinstance(content, str) else content
        attachments.append(
            {"name": name, "mimetype": mimetype, "content": base64.b64encode(raw).decode()}
        )
    row = OutboundEmail.objects.create(
        template=template[:100],
        category=category[:50],
        to_email=to,
        lead=lead,
        subject=" ".join(str(message.subject).split())[:300],
        body_text=message.body,
        body_html=html,
        headers=dict(message.extra_headers or {}),
        attachment_names=[a["name"] for a in attachments],
        attachments_data=attachments,
    )
    from nurture import tasks

    enqueue(tasks.deliver_email, row.pk, key=f"email:{row.pk}")
    return row


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
    attachments = [
        (a["name"], base64.b64decode(a["content"]), a["mimetype"]) for a in row.attachments_data
    ]
    _deliver(row, attachments)
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


def _deliver(row: OutboundEmail, attachments: Seq[tuple[str, bytes | str, str]] = ()) -> None:
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
        headers={"X-EmenTech-Email": str(row.token), **row.headers},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
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
        # Delivered (or refused for good): the stored copy keeps no usable link token. A
        # failed row keeps its body until a retry delivers it.
        from nurture.redaction import redact_headers, redact_secret_links

        row.body_text = redact_secret_links(row.body_text)
        row.body_html = redact_secret_links(row.body_html)
        row.headers = redact_headers(row.headers)
        fields += ["body_text", "body_html", "headers"]
    row.save(update_fields=fields)


def email_retry(*, email: OutboundEmail) -> OutboundEmail:
    """Send a failed email again (the same row, the same tracking token)."""
    if email.status != OutboundEmail.Status.FAILED:
        return email
    _deliver(email)
    return email


def email_mark_bounced(*, email: OutboundEmail, reason: str = "") -> OutboundEmail:
    email.status = OutboundEmail.Status.BOUNCED
    email.bounced_at = timezone.now()
    email.error = (reason or email.error)[:2000]
    email.save(update_fields=["status", "bounced_at", "error"])
    return email


# --- Tracking ------------------------------------------------------------------------------------


def _record_email_interaction(email: OutboundEmail, type_: str, properties: dict, request) -> None:
    if email.lead_id is None:
        return
    from analytics.services import interaction_record

    interaction_record(
        type=type_,
        properties={
            "email_id": str(email.token),
            "template": email.template,
            "category": email.category,
            **properties,
        },
        lead=email.lead,
        request=request,
    )


@transaction.atomic
def email_opened(*, token: str, request=None) -> OutboundEmail | None:
    email = OutboundEmail.objects.select_for_update().filter(token=token).first()
    if email is None:
        return None
    now = timezone.now()
    first = email.first_opened_at is None
    email.open_count += 1
    email.first_opened_at = email.first_opened_at or now
    email.save(update_fields=["open_count", "first_opened_at"])
    if first:
        _record_email_interaction(email, "email_open", {}, request)
    return email


@dataclass(frozen=True)
class ClickResult:
    allowed: bool
    url: str = ""
    reason: str = ""


@transaction.atomic
def email_clicked(*, token: str, url: str, signature: str, request=None) -> ClickResult:
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
    _record_email_interaction(email, "email_click", {"link_clicked": url[:2000]}, request)
    return ClickResult(True, url=absolute_url(url) if url.startswith("/") else url)
