"""Writes of the nurture app, one module per concern (re-exported here, so
``from nurture.services import ...`` keeps working):

Emails go out through ``mail.facade`` (the mail app records, sends and tracks them).

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
    "CONFIRMATION_RESEND_GAP",
    "CONFIRMATION_WORDING",
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "MONTHLY_MAX_GAP",
    "NEWSLETTER_CONSENT_WORDING",
    "PREFERENCES_SALT",
    "UNSUBSCRIBE_SALT",
    "confirm_token",
    "consent_wording_for",
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
    "preferences_token",
    "preferences_url",
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
