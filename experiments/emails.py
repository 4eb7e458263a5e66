"""Nurture email subject tests: which subject a lead gets, and its exposure.

The unit is the same as on the site: the lead's most recent visitor (the ``em_vid`` id
the site hashes), so a person sees the same variant in the email and on the page; a lead
with no visitor is hashed as ``lead:<id>``, a key that never changes. Consent is the
lead's latest *analytics* decision in the consent ledger; a lead that never decided
counts as consenting only when it has a visitor (a visitor row exists only for a
browser that accepted analytics). Without consent the lead gets the email's own subject
and is not counted.

The exposure is written in the caller's transaction (the one that queues the email), once
per (experiment, visitor) or (experiment, lead): a step that is sent again records
nothing new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from experiments import resolution
from experiments.assignment import assign


@dataclass(frozen=True)
class LeadUnit:
    """What assignment hashes for a lead outside a request, and whether it may be counted."""

    unit: str
    visitor_id: uuid.UUID | None
    consented: bool


@dataclass(frozen=True)
class EmailSubject:
    """The subject to send; ``counted`` when an exposure is to be recorded for it."""

    subject: str
    experiment_id: int | None = None
    variant_id: int | None = None
    variant_key: str = ""
    visitor_id: uuid.UUID | None = None
    lead_id: Any = None
    counted: bool = False


def lead_unit(*, lead_id: Any) -> LeadUnit:
    from leads.facade import consent_latest, visitor_latest_id

    vid = visitor_latest_id(lead_id=lead_id)
    latest = consent_latest(lead_id=lead_id, purpose="analytics")
    consented = latest.granted if latest is not None else vid is not None
    return LeadUnit(
        unit=str(vid) if vid else f"lead:{lead_id}", visitor_id=vid, consented=consented
    )


def email_subject_for(
    *,
    lead_id: Any,
    default: str,
    sequence_step_id: int | None = None,
    newsletter_issue_id: int | None = None,
) -> EmailSubject:
    """The subject of the lead's variant of the running test on that step's (or issue's)
    email; ``default`` (the email's own) when none runs, for the control when its content
    is blank, and for a lead without analytics consent."""
    if sequence_step_id is not None:
        slug = resolution.slug_for_email("step", sequence_step_id)
    elif newsletter_issue_id is not None:
        slug = resolution.slug_for_email("issue", newsletter_issue_id)
    else:
        slug = ""
    defn = resolution.definitions().get(slug) if slug else None
    if defn is None or defn.status != "running" or lead_id is None:
        return EmailSubject(subject=default)
    unit = lead_unit(lead_id=lead_id)
    if not unit.consented:
        return EmailSubject(subject=defn.control.content or default)
    variant = assign(defn, unit.unit)
    if variant is None:
        return EmailSubject(subject=defn.control.content or default)
    return EmailSubject(
        subject=variant.content or default,
        experiment_id=defn.id,
        variant_id=variant.id,
        variant_key=variant.key,
        visitor_id=unit.visitor_id,
        lead_id=lead_id,
        counted=True,
    )


def email_exposure_record(*, choice: EmailSubject, email_id: int | None) -> None:
    """Record the lead's exposure (once) when ``choice`` is counted."""
    if not choice.counted or choice.experiment_id is None or choice.variant_id is None:
        return
    from experiments.services import exposure_record

    exposure_record(
        experiment_id=choice.experiment_id,
        variant_id=choice.variant_id,
        visitor_id=choice.visitor_id,
        lead_id=choice.lead_id,
        email_id=email_id,
    )
