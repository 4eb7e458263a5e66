"""Feature flags: one evaluation for templates, views and tasks, sharing experiments' hashing.

In templates and views use django-waffle as documented — ``{% load waffle_tags %}{% flag
"new-pricing" %}…{% endflag %}``, ``waffle.flag_is_active(request, "new-pricing")``,
``@waffle_flag("new-pricing")`` — the flag model (``experiments.Flag``) plugs the site's
segments and sticky hash into waffle. In tasks and emails, where there is no request, use
:func:`flag_active_for_lead`.

The unit that is hashed is the visitor (the ``em_vid`` cookie, set only with analytics
consent) — or, for a lead without a request, the lead's most recent visitor, so a person
gets the same answer on the site and in an email — then the lead, then the staff user.
:func:`flag_to_experiment` turns a flag into an experiment with the same salt, so the
visitors inside the rollout are exactly those who enter the experiment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from experiments.assignment import in_rollout


@dataclass(frozen=True)
class FlagSubject:
    unit: str | None
    grade: str = ""
    industry: str = ""
    consented: bool = False


def _split(value: str) -> set[str]:
    return {v.strip().lower() for v in value.split(",") if v.strip()}


def active_for_subject(flag, subject: FlagSubject) -> bool:
    """Segment conditions (each one set must match), then the hashed percentage."""
    if flag.everyone is not None:
        return bool(flag.everyone)
    if not flag.has_segment and not flag.percent:
        return False
    grades, industries = _split(flag.grades), _split(flag.industries)
    if grades and subject.grade.lower() not in grades:
        return False
    if industries and subject.industry.lower() not in industries:
        return False
    if flag.consent == "analytics" and not subject.consented:
        return False
    if flag.consent == "no_analytics" and subject.consented:
        return False
    if flag.percent is None or flag.percent == "":
        return True
    if subject.unit is None:
        return False
    return in_rollout(subject.unit, flag.salt, float(flag.percent))


def _lead_segment(lead_id) -> tuple[str, str]:
    from leads.facade import lead_segment

    return lead_segment(lead_id=lead_id)


def subject_from_request(request, flag) -> FlagSubject:
    from leads.facade import identity_for_request
    from privacy.facade import analytics_allowed

    consented = analytics_allowed(request=request)
    ident = identity_for_request(request) if consented else None
    unit = str(ident.visitor_id) if ident and ident.visitor_id else None
    grade = industry = ""
    if ident and ident.lead_id and (flag.grades or flag.industries):
        grade, industry = _lead_segment(ident.lead_id)
    if unit is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            unit = f"user:{user.pk}"
    return FlagSubject(unit=unit, grade=grade, industry=industry, consented=consented)


def subject_for_lead(lead) -> FlagSubject:
    """A lead outside a request (tasks, emails): its latest visitor is the unit."""
    from leads.facade import visitor_latest_id

    vid = visitor_latest_id(lead_id=lead.pk)
    unit = str(vid) if vid else f"lead:{lead.pk}"
    return FlagSubject(
        unit=unit,
        grade=lead.grade or "",
        industry=lead.industry or "",
        # A visitor row exists only for a browser that accepted analytics (em_vid).
        consented=vid is not None,
    )


def flag_active_for_lead(name: str, lead) -> bool:
    """Is flag ``name`` on for this lead (for tasks and emails; unknown flags are off)?"""
    from waffle import get_waffle_flag_model

    flag = get_waffle_flag_model().get(name)
    if not flag.pk:
        return False
    return active_for_subject(flag, subject_for_lead(lead))


@transaction.atomic
def flag_to_experiment(flag, *, name: str = "", goal: str = "lead_captured", actor=None):
    """A draft experiment of the flag's rollout: control (off) against the feature (on),
    salted like the flag so the same visitors are in it."""
    from experiments.models import Experiment, ExperimentAudit, Variant

    slug = f"flag-{flag.name}"[:80]
    if Experiment.objects.filter(slug=slug).exists():
        slug = f"{slug[:70]}-{uuid.uuid4().hex[:8]}"
    exp = Experiment.objects.create(
        name=name or f"Flag {flag.name}",
        slug=slug,
        goal=goal,
        traffic_percent=int(float(flag.percent)) if flag.percent else 100,
        salt=flag.salt,
        created_by=actor,
    )
    Variant.objects.create(experiment=exp, key="off", name="Off", weight=50, sort_order=0)
    Variant.objects.create(experiment=exp, key="on", name="On", weight=50, sort_order=1)
    ExperimentAudit.objects.create(
        experiment=exp, actor=actor, action="from_flag", details={"flag": flag.name}
    )
    return exp
