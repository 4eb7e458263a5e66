"""Writes of the nurture app, one module per concern (re-exported here, so
``from nurture.services import ...`` keeps working):

- ``outbound``: ``email_send``, the one way the product sends email: renders
  ``templates/nurture/email/<template>.{subject.txt,txt,html}``, writes an ``OutboundEmail``
  row *before* sending, sends through Django's email backend (SMTP from ``EMAIL_URL``, the
  local outbox otherwise) and records the outcome on the row (sent, failed, bounced). HTML
  bodies get an open pixel and signed click links that only lead to allowed hosts.
- ``newsletters``: double opt-in: sign-up stores a pending subscription and sends a
  confirmation without advertising; the click confirms, captures the lead and appends the
  consent record (the sign-up wording and the click time). Unsubscribing is one POST.
- ``sequences``: ``sequence_enrol`` on a trigger, ``sequence_run_due`` from beat; every
  step is decided once (sent or skipped) under the unique (enrolment, step) constraint.
"""

from __future__ import annotations

from nurture.services.newsletters import (
    CONFIRMATION_RESEND_GAP,
    CONFIRMATION_WORDING,
    MONTHLY_MAX_GAP,
    NEWSLETTER_CONSENT_WORDING,
    consent_wording_for,
    issue_recipients,
    newsletter_confirm,
    newsletter_issue_dispatch,
    newsletter_issue_send_batch,
    newsletter_issues_due,
    newsletter_preferences_update,
    newsletter_subscribe,
    newsletter_unsubscribe,
)
from nurture.services.outbound import (
    CLICK_SALT,
    NEVER_TRACK,
    ClickResult,
    EmailError,
    _track_html,
    absolute_url,
    click_signature_valid,
    click_url,
    email_clicked,
    email_deliver,
    email_limit_reason,
    email_mark_bounced,
    email_message_queue,
    email_opened,
    email_retry,
    email_send,
    pixel_url,
    redirect_allowed_hosts,
    redirect_url_allowed,
)
from nurture.services.sequences import (
    enrolment_advance,
    enrolments_exit,
    lead_converted,
    marketing_allowed,
    sequence_enrol,
    sequence_run_due,
    sequence_triggers_scan,
    step_condition_met,
)
from nurture.services.subscribers import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    PREFERENCES_SALT,
    UNSUBSCRIBE_SALT,
    confirm_token,
    list_unsubscribe_headers,
    preferences_token,
    preferences_url,
    subscriber_from_confirm_token,
    subscriber_from_preferences_token,
    unsubscribe_target,
    unsubscribe_token,
    unsubscribe_url,
)

__all__ = [
    "CLICK_SALT",
    "CONFIRMATION_RESEND_GAP",
    "CONFIRMATION_WORDING",
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "ClickResult",
    "EmailError",
    "MONTHLY_MAX_GAP",
    "NEVER_TRACK",
    "NEWSLETTER_CONSENT_WORDING",
    "PREFERENCES_SALT",
    "UNSUBSCRIBE_SALT",
    "_track_html",
    "absolute_url",
    "click_signature_valid",
    "click_url",
    "confirm_token",
    "consent_wording_for",
    "email_clicked",
    "email_deliver",
    "email_limit_reason",
    "email_mark_bounced",
    "email_message_queue",
    "email_opened",
    "email_retry",
    "email_send",
    "enrolment_advance",
    "enrolments_exit",
    "issue_recipients",
    "lead_converted",
    "list_unsubscribe_headers",
    "marketing_allowed",
    "newsletter_confirm",
    "newsletter_issue_dispatch",
    "newsletter_issue_send_batch",
    "newsletter_issues_due",
    "newsletter_preferences_update",
    "newsletter_subscribe",
    "newsletter_unsubscribe",
    "pixel_url",
    "preferences_token",
    "preferences_url",
    "redirect_allowed_hosts",
    "redirect_url_allowed",
    "sequence_enrol",
    "sequence_run_due",
    "sequence_triggers_scan",
    "step_condition_met",
    "subscriber_from_confirm_token",
    "subscriber_from_preferences_token",
    "unsubscribe_target",
    "unsubscribe_token",
    "unsubscribe_url",
]
