"""Newsletters: signed subscriber tokens, double opt-in sign-up and confirmation, one-POST
unsubscribe, preferences, and issue dispatch in batches.

Sign-up stores a pending subscription and sends a confirmation without advertising; the
click confirms, captures the lead and appends the consent record (the sign-up wording and
the click time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.queue import enqueue
from experiments.facade import email_exposure_record, email_subject_for
from leads.facade import Lead, consent_record
from mail.facade import absolute_url, queue_template_email
from nurture.models import (
    IssueDelivery,
    Newsletter,
    NewsletterIssue,
    Sequence,
    Subscriber,
    Subscription,
)
from nurture.services.sequences import enrolments_exit, sequence_enrol
from nurture.services.subscribers import (
    _subscriber_for,
    confirm_token,
    list_unsubscribe_headers,
    preferences_url,
    unsubscribe_url,
)

CONFIRMATION_RESEND_GAP = dt.timedelta(minutes=10)
MONTHLY_MAX_GAP = dt.timedelta(days=28)

# What the sign-up form shows next to the email field; stored in the consent log.
NEWSLETTER_CONSENT_WORDING = (
    "Email me {lists} from EmenTech. I'll confirm by clicking the link in the email you send "
    "me; I can unsubscribe with one click at any time. See the privacy policy at {site}/"
    "privacy-policy/."
)
CONFIRMATION_WORDING = "Confirmed by clicking the link in the confirmation email sent to {email}."


# --- Newsletters ---------------------------------------------------------------------------------


def consent_wording_for(newsletters: Iterable[Newsletter]) -> str:
    names = [n.name for n in newsletters]
    lists = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return NEWSLETTER_CONSENT_WORDING.format(lists=lists or "newsletters", site=settings.SITE_URL)


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
        queue_template_email(
            to=subscriber.email,
            template="newsletter_confirm",
            context={
                "newsletters": all_pending,
                "confirm_url": absolute_url(f"/newsletter/confirm/{confirm_token(subscriber)}/"),
            },
            category="transactional",
            track=False,
        )
    return subscriber


@transaction.atomic
def newsletter_confirm(*, subscriber: Subscriber, ip: str = "") -> Subscriber:
    """The confirmation click: activate pending lists, capture the lead, log the consent."""
    from leads.facade import ConsentInput, lead_capture

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
    from analytics.facade import interaction_record

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
    consent_record(
        lead=lead,
        purpose="marketing",
        granted=False,
        method=method,
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
        # A subject test on this issue: the lead's sticky variant (as on the site).
        choice = email_subject_for(
            lead_id=subscriber.lead_id, default=issue.subject, newsletter_issue_id=issue.pk
        )
        email = queue_template_email(
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
            lead_id=subscriber.lead_id,
            headers=list_unsubscribe_headers(subscriber, issue.newsletter),
            category="newsletter",
            subject=choice.subject,
        )
        delivery.email_id = email.id
        delivery.save(update_fields=["email"])
        email_exposure_record(choice=choice, email_id=email.id)
        sent += 1
    return sent
