"""The nurture app's public surface: the only module another app imports from ``nurture``
(newsletters and sequences). Foreign keys to nurture stay string labels."""

from __future__ import annotations

from typing import Any

__all__ = ["email_subject_set", "newsletter_subscribed", "sequence_enrol_lead"]


def newsletter_subscribed(*, email_normalized: str) -> bool:
    """Whether this (normalised) address has a confirmed, active newsletter subscription."""
    from nurture.models import Subscriber

    return Subscriber.objects.filter(
        email_normalized=email_normalized,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).exists()


def sequence_enrol_lead(*, lead_id: Any, sequence_id: int, trigger: str) -> tuple[int | None, str]:
    """Enrol a lead in one nurture sequence (marketing consent, conversion and the once per
    sequence rule apply as for every enrolment); ``(enrolment id, "")`` when enrolled now,
    else ``(None, reason)``. Written in the caller's transaction."""
    from nurture.services.sequences import sequence_enrol_one

    return sequence_enrol_one(lead_id=lead_id, sequence_id=sequence_id, trigger=trigger)


def email_subject_set(
    *, sequence_step_id: int | None = None, newsletter_issue_id: int | None = None, subject: str
) -> int:
    """Make ``subject`` the subject of a sequence step's (or a newsletter issue's) email:
    an experiment's winner shipping. Returns the rows changed."""
    from nurture.services.sequences import email_subject_set as _set

    return _set(
        sequence_step_id=sequence_step_id,
        newsletter_issue_id=newsletter_issue_id,
        subject=subject,
    )
