"""Reads of the experiments app: definitions for resolution, counts and the read-out.

Conversions are read from the pipeline, not from clicks: an exposure converts on
"lead captured" when its visitor became a lead after the exposure, on "qualified" when that
lead was qualified after it, on "demo booked" when the lead booked a demo after it, on
"won" when the lead is won.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from experiments.assignment import ExperimentDef, VariantDef
from experiments.models import Experiment, Exposure
from experiments.stats import ArmCounts, Readout, readout


def experiment_definitions() -> dict[str, ExperimentDef]:
    """Running and shipped experiments, by slug, as immutable definitions."""
    out: dict[str, ExperimentDef] = {}
    qs = (
        Experiment.objects.filter(status__in=["running", "shipped"])
        .select_related("winner")
        .prefetch_related("variants")
    )
    for e in qs:
        variants = tuple(
            VariantDef(id=v.id, key=v.key, content=v.content, weight=v.weight)
            for v in e.variants.all()
        )
        if not variants:
            continue
        out[e.slug] = ExperimentDef(
            id=e.id,
            slug=e.slug,
            salt=e.assignment_salt,
            status=e.status,
            traffic_percent=e.traffic_percent,
            variants=variants,
            winner_key=e.winner.key if e.winner else "",
            page_id=e.page_id,
            target=e.target,
            step_id=e.sequence_step_id,
            issue_id=e.newsletter_issue_id,
        )
    return out


def experiment_list() -> QuerySet[Experiment]:
    return Experiment.objects.prefetch_related("variants").select_related("winner", "page")


def _goal_q(goal: str, prefix: str) -> Q:
    """The goal reached after the exposure, on the lead at ``prefix`` (``lead__`` from a
    visitor, empty from a lead)."""
    if goal == Experiment.Goal.LEAD_CAPTURED:
        return Q(**{f"{prefix}created_at__gte": OuterRef("created_at")})
    if goal == Experiment.Goal.QUALIFIED:
        return Q(**{f"{prefix}qualified_at__gte": OuterRef("created_at")})
    if goal == Experiment.Goal.DEMO_BOOKED:
        return Q(
            **{
                f"{prefix}demo_bookings__created_at__gte": OuterRef("created_at"),
                f"{prefix}demo_bookings__status": "confirmed",
            }
        )
    return Q(**{f"{prefix}outcome": "won"})


def _converted(goal: str):
    """An exposure converted: through its visitor's lead, or (an email sent to a lead
    without a visitor) through its lead."""
    from leads.facade import Lead, Visitor

    visitors = Visitor.objects.filter(pk=OuterRef("visitor_id"), lead__isnull=False)
    leads = Lead.objects.filter(pk=OuterRef("lead_id"))
    return Exists(visitors.filter(_goal_q(goal, "lead__"))) | Exists(
        leads.filter(_goal_q(goal, ""))
    )


def experiment_counts(*, experiment: Experiment) -> list[ArmCounts]:
    """Exposures and goal conversions per variant (control first)."""
    rows = (
        Exposure.objects.filter(experiment=experiment)
        .annotate(conv=_converted(experiment.goal))
        .values("variant_id")
        .annotate(n=Count("id"), c=Count("id", filter=Q(conv=True)))
    )
    by_variant = {r["variant_id"]: (r["n"], r["c"]) for r in rows}
    return [
        ArmCounts(
            key=v.key,
            name=v.name or v.key,
            weight=v.weight,
            exposures=by_variant.get(v.id, (0, 0))[0],
            conversions=by_variant.get(v.id, (0, 0))[1],
        )
        for v in experiment.variants.all()
    ]


def experiment_readout(*, experiment: Experiment) -> Readout:
    return readout(experiment_counts(experiment=experiment))


def experiment_email_figures(*, experiment: Experiment) -> list[dict]:
    """For an email subject test, per variant: emails sent to counted leads, and how many
    were opened and clicked. A secondary figure (opens are unreliable, and the goal stays
    the pipeline); counts only, never who."""
    if experiment.target != Experiment.Target.EMAIL_SUBJECT:
        return []
    from mail.facade import emails_engagement

    out = []
    for v in experiment.variants.all():
        ids = Exposure.objects.filter(
            experiment=experiment, variant=v, email_id__isnull=False
        ).values_list("email_id", flat=True)
        sent, opened, clicked = emails_engagement(ids=ids)
        out.append(
            {
                "key": v.key,
                "name": v.name or v.key,
                "sent": sent,
                "opened": opened,
                "clicked": clicked,
                "open_rate": opened / sent if sent else None,
                "click_rate": clicked / sent if sent else None,
            }
        )
    return out
