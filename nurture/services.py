"""Writes of the nurture app: sending tracked email, newsletters, nurture sequences.

``email_send`` is the one way the product sends email: it renders
``templates/nurture/email/<template>.{subject.txt,txt,html}``, writes an ``OutboundEmail``
row *before* sending, sends through Django's email backend (SMTP from ``EMAIL_URL``, the
local outbox otherwise) and records the outcome on the row (sent, failed, bounced). HTML
bodies get an open pixel and signed click links that only lead to allowed hosts.

Newsletters use double opt-in: sign-up stores a pending subscription and sends a
confirmation without advertising; the click confirms, captures the lead and appends the
consent record (the sign-up wording and the click time). Unsubscribing is one POST.

Nurture sequences: ``sequence_enrol`` on a trigger, ``sequence_run_due`` from beat; every
step is decided once (sent or skipped) under the unique (enrolment, step) constraint.
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
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

from core.queue import enqueue
from leads.models import ConsentRecord, Lead
from nurture.models import (
    Enrolment,
    IssueDelivery,
    Newsletter,
    NewsletterIssue,
    OutboundEmail,
    Sequence,
    SequenceStep,
    StepSend,
    Subscriber,
    Subscription,
    TriggerCursor,
)

logger = logging.getLogger(__name__)

CLICK_SALT = "nurture.click"
CONFIRM_SALT = "nurture.newsletter.confirm"
UNSUBSCRIBE_SALT = "nurture.unsubscribe"
PREFERENCES_SALT = "nurture.preferences"
CONFIRM_MAX_AGE = dt.timedelta(days=7)
CONFIRMATION_RESEND_GAP = dt.timedelta(minutes=10)
MONTHLY_MAX_GAP = dt.timedelta(days=28)

# What the sign-up form shows next to the email field; stored in the consent log.
NEWSLETTER_CONSENT_WORDING = (
    "Email me {lists} from EmenTech. I'll confirm by clicking the link in the email you send "
    "me; I can unsubscribe with one click at any time. See the privacy policy at {site}/"
    "privacy-policy/."
)
CONFIRMATION_WORDING = "Confirmed by clicking the link in the confirmation email sent to {email}."


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


# --- Newsletter tokens ---------------------------------------------------------------------------


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def unsubscribe_token(subscriber: Subscriber, newsletter: Newsletter | None = None) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(
        f"{subscriber.pk}:{newsletter.pk if newsletter else 0}"
    )


def preferences_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=PREFERENCES_SALT).sign(str(subscriber.pk))


def unsubscribe_url(subscriber: Subscriber, newsletter: Newsletter | None = None) -> str:
    return absolute_url(f"/api/newsletter/unsubscribe/{unsubscribe_token(subscriber, newsletter)}")


def preferences_url(subscriber: Subscriber) -> str:
    return absolute_url(f"/newsletter/preferences/{preferences_token(subscriber)}/")


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    try:
        pk = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def unsubscribe_target(token: str) -> tuple[Subscriber, Newsletter | None] | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        sub_pk, _, list_pk = value.partition(":")
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=sub_pk).first()
    if subscriber is None:
        return None
    newsletter = Newsletter.objects.filter(pk=list_pk).first() if list_pk != "0" else None
    return subscriber, newsletter


def subscriber_from_preferences_token(token: str) -> Subscriber | None:
    try:
        pk = signing.Signer(salt=PREFERENCES_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def list_unsubscribe_headers(subscriber: Subscriber, newsletter: Newsletter | None) -> dict:
    """RFC 2369 + RFC 8058 one-click unsubscribe headers."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber, newsletter)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Newsletters ---------------------------------------------------------------------------------


def consent_wording_for(newsletters: Iterable[Newsletter]) -> str:
    names = [n.name for n in newsletters]
    lists = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return NEWSLETTER_CONSENT_WORDING.format(lists=lists or "newsletters", site=settings.SITE_URL)


def _subscriber_for(email: str) -> Subscriber:
    normalized = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email_normalized=normalized).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email.strip(), email_normalized=normalized)
    except IntegrityError:
        return Subscriber.objects.select_for_update().get(email_normalized=normalized)


@transaction.atomic
def newsletter_subscribe(
    *, email: str, newsletters: list[str] | None = None, page_url: str = ""
) -> Subscriber:
    """Record a pending sign-up and send the confirmation (double opt-in).

    Nothing is sent to the lists until the address confirms. The confirmation email is not
    re-sent more often than every ten minutes (nobody can flood an inbox through the form).
    """
    errors: dict[str, list[str]] = {}
    email = (email or "").strip() if isinstance(email, str) else ""
    try:
        if not email or len(email) > 254:
            raise ValidationError("invalid")
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    default = Newsletter.objects.filter(is_active=True).values_list("slug", flat=True).first()
    slugs = newsletters or [default or ""]
    chosen = list(Newsletter.objects.filter(slug__in=slugs, is_active=True))
    unknown = sorted(set(slugs) - {n.slug for n in chosen})
    if unknown or not chosen:
        errors["newsletters"] = [f"Unknown newsletter: {', '.join(unknown) or '(none)'}."]
    if errors:
        raise ValidationError(errors)

    subscriber = _subscriber_for(email)
    pending = []
    for newsletter in chosen:
        sub, _ = Subscription.objects.get_or_create(subscriber=subscriber, newsletter=newsletter)
        if sub.status != Subscription.Status.ACTIVE:
            sub.status = Subscription.Status.PENDING
            sub.save(update_fields=["status"])
            pending.append(newsletter)
    if not pending:
        return subscriber
    all_pending = [
        s.newsletter
        for s in subscriber.subscriptions.select_related("newsletter").filter(
            status=Subscription.Status.PENDING
        )
    ]
    subscriber.consent_wording = consent_wording_for(all_pending)
    subscriber.page_url = (page_url or "")[:500]
    now = timezone.now()
    recently = (
        subscriber.confirmation_sent_at
        and now - subscriber.confirmation_sent_at < CONFIRMATION_RESEND_GAP
    )
    if not recently:
        subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["consent_wording", "page_url", "confirmation_sent_at"])
    if not recently:
        email_send(
            to=subscriber.email,
            template="newsletter_confirm",
            context={
                "newsletters": all_pending,
                "confirm_url": absolute_url(f"/newsletter/confirm/{confirm_token(subscriber)}/"),
            },
            category="transactional",
            track=False,
            defer=True,
        )
    return subscriber


@transaction.atomic
def newsletter_confirm(*, subscriber: Subscriber, ip: str = "") -> Subscriber:
    """The confirmation click: activate pending lists, capture the lead, log the consent."""
    from leads.services import ConsentInput, lead_capture

    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    pending = list(
        subscriber.subscriptions.select_related("newsletter").filter(
            status=Subscription.Status.PENDING
        )
    )
    now = timezone.now()
    if not pending and subscriber.confirmed_at:
        return subscriber
    wording = "\n".join(
        [subscriber.consent_wording, CONFIRMATION_WORDING.format(email=subscriber.email)]
    ).strip()
    result = lead_capture(
        email=subscriber.email,
        consent=ConsentInput(
            data_processing=True,
            marketing=True,
            method="double_opt_in",
            wording=wording,
            page_url=subscriber.page_url,
        ),
        source="newsletter",
        ip=ip,
    )
    for sub in pending:
        sub.status = Subscription.Status.ACTIVE
        sub.confirmed_at = now
        sub.unsubscribed_at = None
        sub.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.lead = result.lead
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at", "lead"])
    from analytics.services import interaction_record

    for sub in pending:
        interaction_record(
            type="newsletter_signup",
            properties={"list": sub.newsletter.slug, "path": "/newsletter/confirm/"},
            lead=result.lead,
        )
    sequence_enrol(lead=result.lead, trigger=Sequence.Trigger.IDENTIFY)
    return subscriber


def _withdraw_marketing(lead: Lead | None, *, method: str, wording: str) -> None:
    if lead is None:
        return
    ConsentRecord.objects.create(
        lead=lead,
        purpose=ConsentRecord.Purpose.MARKETING,
        granted=False,
        method=method[:30],
        legal_basis="consent",
        wording=wording,
    )


@transaction.atomic
def newsletter_unsubscribe(
    *, subscriber: Subscriber, newsletter: Newsletter | None = None, method: str = "one_click"
) -> Subscriber:
    """Stop one list (``newsletter``) or every email (``None``). Idempotent.

    When no list is left, marketing consent is withdrawn in the consent log and the lead
    leaves its nurture sequences.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    subs = subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED)
    if newsletter is not None:
        subs = subs.filter(newsletter=newsletter)
    subs.update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
    remaining = subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED).exists()
    if newsletter is None or not remaining:
        already = subscriber.unsubscribed_at is not None
        subscriber.unsubscribed_at = subscriber.unsubscribed_at or now
        subscriber.save(update_fields=["unsubscribed_at"])
        lead = (
            subscriber.lead
            or Lead.objects.filter(email_normalized=subscriber.email_normalized).first()
        )
        if not already:
            _withdraw_marketing(
                lead,
                method=method,
                wording="Unsubscribed from EmenTech marketing email"
                + (f" (last list: {newsletter.name})" if newsletter else "")
                + ".",
            )
        if lead is not None:
            enrolments_exit(lead=lead, reason="unsubscribed")
    return subscriber


@transaction.atomic
def newsletter_preferences_update(
    *, subscriber: Subscriber, newsletters: list[str], frequency: str
) -> Subscriber:
    """The preference centre: the lists wanted (confirmed addresses only) and the frequency."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if frequency not in Subscriber.Frequency.values:
        raise ValidationError({"frequency": ["Unknown frequency."]})
    wanted = set(newsletters)
    now = timezone.now()
    for newsletter in Newsletter.objects.filter(is_active=True):
        sub = Subscription.objects.filter(subscriber=subscriber, newsletter=newsletter).first()
        if newsletter.slug in wanted:
            if not subscriber.confirmed_at:
                continue  # still needs the double opt-in
            if sub is None:
                sub = Subscription(subscriber=subscriber, newsletter=newsletter)
            if sub.status != Subscription.Status.ACTIVE:
                sub.status = Subscription.Status.ACTIVE
                sub.confirmed_at = now
                sub.unsubscribed_at = None
                sub.save()
        elif sub is not None and sub.status != Subscription.Status.UNSUBSCRIBED:
            sub.status = Subscription.Status.UNSUBSCRIBED
            sub.unsubscribed_at = now
            sub.save(update_fields=["status", "unsubscribed_at"])
    subscriber.frequency = frequency
    fields = ["frequency"]
    if wanted and subscriber.confirmed_at and subscriber.unsubscribed_at:
        subscriber.unsubscribed_at = None
        fields.append("unsubscribed_at")
    subscriber.save(update_fields=fields)
    if not wanted:
        return newsletter_unsubscribe(subscriber=subscriber, method="preference_centre")
    return subscriber


def issue_recipients(issue: NewsletterIssue):
    """Subscribers an issue may reach: confirmed, subscribed to its list, not unsubscribed."""
    return Subscriber.objects.filter(
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
        subscriptions__newsletter_id=issue.newsletter_id,
        subscriptions__status=Subscription.Status.ACTIVE,
    ).distinct()


@transaction.atomic
def newsletter_issue_dispatch(*, issue_id: int) -> int:
    """Split an issue's recipients into batches and queue one Celery task per batch."""
    from nurture import tasks

    issue = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None or issue.status in (NewsletterIssue.Status.SENT,):
        return 0
    issue.status = NewsletterIssue.Status.SENDING
    issue.dispatched_at = timezone.now()
    ids = list(issue_recipients(issue).order_by("pk").values_list("pk", flat=True))
    size = max(1, int(getattr(settings, "NEWSLETTER_BATCH_SIZE", 200)))
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    for batch in batches:
        enqueue(tasks.send_issue_batch, issue.pk, batch)
    issue.status = NewsletterIssue.Status.SENT
    issue.sent_at = timezone.now()
    issue.save(update_fields=["status", "dispatched_at", "sent_at"])
    return len(batches)


def newsletter_issues_due(*, now: dt.datetime | None = None) -> list[int]:
    """Dispatch every scheduled issue whose time has come."""
    now = now or timezone.now()
    due = list(
        NewsletterIssue.objects.filter(
            status=NewsletterIssue.Status.SCHEDULED, send_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        newsletter_issue_dispatch(issue_id=pk)
    return due


def newsletter_issue_send_batch(*, issue_id: int, subscriber_ids: list[int]) -> int:
    """Send an issue to a batch; rechecks each subscriber (late unsubscribes are honoured)."""
    from nurture.selectors import digest_for

    issue = NewsletterIssue.objects.select_related("newsletter").filter(pk=issue_id).first()
    if issue is None:
        return 0
    sent = 0
    recipients = issue_recipients(issue).filter(pk__in=subscriber_ids).select_related("lead")
    for subscriber in recipients:
        if subscriber.frequency == Subscriber.Frequency.MONTHLY_MAX and (
            IssueDelivery.objects.filter(
                subscriber=subscriber, created_at__gte=timezone.now() - MONTHLY_MAX_GAP
            ).exists()
        ):
            continue
        try:
            with transaction.atomic():
                delivery = IssueDelivery.objects.create(issue=issue, subscriber=subscriber)
        except IntegrityError:
            continue  # already sent to this subscriber
        digest = digest_for(lead=subscriber.lead) if issue.include_digest else None
        email = email_send(
            to=subscriber.email,
            template="newsletter_issue",
            context={
                "issue": issue,
                "newsletter": issue.newsletter,
                "subscriber": subscriber,
                "digest": digest,
                "unsubscribe_url": unsubscribe_url(subscriber, issue.newsletter),
                "preferences_url": preferences_url(subscriber),
            },
            lead=subscriber.lead,
            headers=list_unsubscribe_headers(subscriber, issue.newsletter),
            category="newsletter",
            subject=issue.subject,
        )
        delivery.email = email
        delivery.save(update_fields=["email"])
        sent += 1
    return sent


# --- Nurture sequences ---------------------------------------------------------------------------


def marketing_allowed(lead: Lead) -> bool:
    """The latest marketing consent is granted and the address has not unsubscribed."""
    if lead.deleted_at is not None or getattr(lead, "erased_at", None) is not None:
        return False
    if (lead.preferences or {}).get("do_not_contact"):
        return False
    latest = (
        ConsentRecord.objects.filter(lead=lead, purpose=ConsentRecord.Purpose.MARKETING)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or not latest.granted:
        return False
    return not Subscriber.objects.filter(
        email_normalized=lead.email_normalized, unsubscribed_at__isnull=False
    ).exists()


def lead_converted(lead: Lead, sequence: Sequence) -> bool:
    return lead.outcome == "won" or Lead.stage_rank(lead.stage) >= Lead.stage_rank(
        sequence.exit_stage
    )


@transaction.atomic
def sequence_enrol(
    *, lead: Lead, trigger: str, sequence: Sequence | None = None, at: dt.datetime | None = None
) -> list[Enrolment]:
    """Enrol a lead in the active sequences of a trigger (or one sequence); once per sequence."""
    if not lead.email or not marketing_allowed(lead):
        return []
    if sequence is not None:
        sequences = [sequence]
    else:
        sequences = list(Sequence.objects.filter(trigger=trigger, is_active=True))
    out = []
    for seq in sequences:
        if lead_converted(lead, seq):
            continue
        enrolment, created = Enrolment.objects.get_or_create(
            sequence=seq,
            lead=lead,
            defaults={"trigger": trigger, "enrolled_at": at or timezone.now()},
        )
        if created:
            out.append(enrolment)
    return out


@transaction.atomic
def enrolments_exit(*, lead: Lead, reason: str) -> int:
    return Enrolment.objects.filter(lead=lead, status=Enrolment.Status.ACTIVE).update(
        status=Enrolment.Status.EXITED, exit_reason=reason[:40], finished_at=timezone.now()
    )


def step_condition_met(step: SequenceStep, lead: Lead) -> tuple[bool, str]:
    if step.only_if_not_qualified and Lead.stage_rank(lead.stage) >= Lead.stage_rank("qualified"):
        return False, "already qualified"
    if step.condition_field and step.condition_op:
        value = str(getattr(lead, step.condition_field, "") or "").strip().lower()
        expected = step.condition_value.strip().lower()
        ok = {
            "eq": value == expected,
            "ne": value != expected,
            "empty": value == "",
            "not_empty": value != "",
        }.get(step.condition_op, True)
        if not ok:
            return False, f"{step.condition_field} {step.condition_op} {step.condition_value}"[:100]
    return True, ""


def _step_context(step: SequenceStep, lead: Lead) -> dict[str, Any]:
    from nurture.selectors import case_study_for, recommendations_for

    subscriber = _subscriber_for(lead.email)
    return {
        "lead": lead,
        "step": step,
        "intro": step.intro,
        "resources": recommendations_for(lead=lead, limit=3),
        "case_study": case_study_for(lead=lead),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "preferences_url": preferences_url(subscriber),
        "_subscriber": subscriber,
    }


def enrolment_advance(*, enrolment_id: int, now: dt.datetime | None = None) -> list[StepSend]:
    """Decide every due step of one enrolment, in order; each at most once."""
    now = now or timezone.now()
    decided: list[StepSend] = []
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sequence", "lead")
            .filter(pk=enrolment_id, status=Enrolment.Status.ACTIVE)
            .first()
        )
        if enrolment is None:
            return decided
        lead = Lead.all_objects.get(pk=enrolment.lead_id)
        if lead_converted(lead, enrolment.sequence):
            _finish(enrolment, Enrolment.Status.EXITED, "converted", now)
            return decided
        if not marketing_allowed(lead):
            _finish(enrolment, Enrolment.Status.EXITED, "unsubscribed", now)
            return decided
        steps = list(enrolment.sequence.steps.order_by("position", "delay_hours"))
        done = set(enrolment.sends.values_list("step_id", flat=True))
        for step in steps:
            if step.pk in done:
                continue
            if enrolment.enrolled_at + dt.timedelta(hours=step.delay_hours) > now:
                break
            met, reason = step_condition_met(step, lead)
            try:
                with transaction.atomic():
                    send = StepSend.objects.create(
                        enrolment=enrolment,
                        step=step,
                        status=StepSend.Status.SENT if met else StepSend.Status.SKIPPED,
                        reason=reason,
                    )
            except IntegrityError:
                continue
            if met:
                context = _step_context(step, lead)
                subscriber = context.pop("_subscriber")
                send.email = email_send(
                    to=lead.email,
                    template=step.template,
                    context=context,
                    lead=lead,
                    headers=list_unsubscribe_headers(subscriber, None),
                    category=f"nurture:{enrolment.sequence.slug}",
                    subject=step.subject,
                )
                send.save(update_fields=["email"])
            decided.append(send)
            done.add(step.pk)
        if len(done) >= len(steps):
            _finish(enrolment, Enrolment.Status.COMPLETED, "", now)
    return decided


def _finish(enrolment: Enrolment, status: str, reason: str, now: dt.datetime) -> None:
    enrolment.status = status
    enrolment.exit_reason = reason
    enrolment.finished_at = now
    enrolment.save(update_fields=["status", "exit_reason", "finished_at"])


def sequence_run_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Advance every active enrolment that has a step due (the beat task's body)."""
    now = now or timezone.now()
    ids = list(
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, enrolled_at__lte=now)
        .order_by("enrolled_at")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for pk in ids:
        count += len(enrolment_advance(enrolment_id=pk, now=now))
    return count


def sequence_triggers_scan(*, lookback: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Enrol leads from triggers: newly identified leads and new resource downloads."""
    from analytics.models import Interaction

    enrolled = 0
    since = timezone.now() - lookback
    identify_sequences = Sequence.objects.filter(trigger=Sequence.Trigger.IDENTIFY, is_active=True)
    if identify_sequences.exists():
        leads = (
            Lead.objects.filter(created_at__gte=since)
            .exclude(stage=Lead.Stage.ANONYMOUS)
            .exclude(email="")
            .exclude(
                pk__in=Enrolment.objects.filter(sequence__in=identify_sequences).values("lead")
            )
        )
        for lead in leads[:500]:
            enrolled += len(sequence_enrol(lead=lead, trigger=Sequence.Trigger.IDENTIFY))
    with transaction.atomic():
        cursor, _ = TriggerCursor.objects.select_for_update().get_or_create(
            name="resource_download"
        )
        rows = list(
            Interaction.objects.filter(
                type="resource_download", pk__gt=cursor.position, lead__isnull=False
            )
            .order_by("pk")
            .values_list("pk", "lead_id")[:500]
        )
        for pk, lead_id in rows:
            lead = Lead.objects.filter(pk=lead_id).first()
            if lead is not None:
                enrolled += len(
                    sequence_enrol(lead=lead, trigger=Sequence.Trigger.RESOURCE_DOWNLOAD)
                )
            cursor.position = pk
        cursor.save(update_fields=["position", "updated_at"])
    return enrolled


__all__ = [
    "ClickResult",
    "EmailError",
    "email_clicked",
    "email_mark_bounced",
    "email_opened",
    "email_retry",
    "email_deliver",
    "email_send",
    "enrolment_advance",
    "newsletter_confirm",
    "newsletter_issue_dispatch",
    "newsletter_issue_send_batch",
    "newsletter_preferences_update",
    "newsletter_subscribe",
    "newsletter_unsubscribe",
    "sequence_enrol",
    "sequence_run_due",
    "sequence_triggers_scan",
]
