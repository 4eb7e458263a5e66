"""Writes of the experiments app: exposures, and the life cycle start → stop → ship.

Every life-cycle change writes an ``ExperimentAudit`` row with the acting user. Shipping
copies the winning variant's content into the target field of the page and publishes a new
revision, so the winner becomes the page's content for everyone.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from experiments import resolution
from experiments.models import Experiment, ExperimentAudit, Exposure, Variant

PAGE_FIELD_TARGETS = {
    Experiment.Target.HERO_TITLE,
    Experiment.Target.HERO_TEXT,
    Experiment.Target.HERO_CTA,
}


class ExperimentError(ApplicationError):
    """A life-cycle step that is not allowed (message for the marketer)."""

    default_code = ApplicationError.CONFLICT


def exposure_record(
    *,
    experiment_id: int,
    variant_id: int,
    visitor_id: uuid.UUID | None,
    lead_id: Any = None,
    email_id: int | None = None,
) -> None:
    """Record that a visitor (or, for an email, a lead without a visitor) entered an
    experiment; a repeat is ignored by the database."""
    if visitor_id is None and lead_id is None:
        return
    Exposure.objects.bulk_create(
        [
            Exposure(
                experiment_id=experiment_id,
                variant_id=variant_id,
                visitor_id=visitor_id,
                lead_id=lead_id,
                email_id=email_id,
            )
        ],
        ignore_conflicts=True,
    )


def exposures_record(rows: list[tuple[int, int, uuid.UUID]]) -> None:
    """Record a batch of ``(experiment_id, variant_id, visitor_id)`` exposures at once."""
    Exposure.objects.bulk_create(
        [Exposure(experiment_id=e, variant_id=v, visitor_id=vid) for e, v, vid in rows],
        ignore_conflicts=True,
    )


def field_set(content: str) -> list[str]:
    """A form variant's fields, from its content (``email, company, role``), in order and
    without repeats; email always first (a capture form needs it)."""
    names = [n.strip().lower() for n in content.replace("\n", ",").split(",") if n.strip()]
    if not names:
        return []
    out = ["email"]
    for name in names:
        if name not in out:
            out.append(name)
    return out


def _check_email_test(experiment: Experiment, variants: list[Variant]) -> None:
    step, issue = experiment.sequence_step_id, experiment.newsletter_issue_id
    if (step is None) == (issue is None):
        raise ExperimentError(
            "Choose the sequence step or the newsletter issue whose subject to test."
        )
    if experiment.goal == Experiment.Goal.LEAD_CAPTURED:
        raise ExperimentError(
            "Nurture emails go to leads already captured: measure qualified, demo booked or won."
        )
    if any(not v.content.strip() for v in variants[1:]):
        raise ExperimentError("Every variant but the control needs a subject.")
    if any(len(v.content.strip()) > 200 for v in variants):
        raise ExperimentError("A subject is at most 200 characters.")
    clash = Experiment.objects.filter(
        target=Experiment.Target.EMAIL_SUBJECT, status=Experiment.Status.RUNNING
    ).exclude(pk=experiment.pk)
    clash = clash.filter(sequence_step_id=step) if step else clash.filter(newsletter_issue_id=issue)
    if clash.exists():
        raise ExperimentError("Another test is already running on that email's subject.")


def _check_form_test(experiment: Experiment, variants: list[Variant]) -> None:
    from content.facade import gate_field_names, resource_form_fields

    if not experiment.page_id or resource_form_fields(page_id=experiment.page_id) is None:
        raise ExperimentError("Choose the gated resource page whose form this test changes.")
    allowed = set(gate_field_names())
    for v in variants:
        unknown = [n for n in field_set(v.content) if n not in allowed]
        if unknown:
            raise ExperimentError(
                f"Variant {v.key}: unknown field {', '.join(unknown)} "
                f"(choose from {', '.join(sorted(allowed))})."
            )
    if any(not field_set(v.content) for v in variants[1:]):
        raise ExperimentError("Every variant but the control needs its fields.")


def _audit(experiment: Experiment, actor, action: str, **details) -> None:
    ExperimentAudit.objects.create(
        experiment=experiment, actor=actor, action=action, details=details
    )


@transaction.atomic
def experiment_start(*, experiment: Experiment, actor=None) -> Experiment:
    if experiment.status not in (Experiment.Status.DRAFT, Experiment.Status.STOPPED):
        raise ExperimentError(f"A {experiment.get_status_display().lower()} test cannot start.")
    variants = list(experiment.variants.all())
    if len(variants) < 2:
        raise ExperimentError("An experiment needs at least two variants.")
    if sum(v.weight for v in variants) <= 0:
        raise ExperimentError("At least one variant needs a positive weight.")
    if experiment.target in PAGE_FIELD_TARGETS and not experiment.page_id:
        raise ExperimentError("Choose the page whose field this test changes.")
    if experiment.target == Experiment.Target.EMAIL_SUBJECT:
        _check_email_test(experiment, variants)
    if experiment.target == Experiment.Target.FORM_FIELDS:
        _check_form_test(experiment, variants)
    if experiment.page_id and (
        Experiment.objects.filter(
            page_id=experiment.page_id, target=experiment.target, status=Experiment.Status.RUNNING
        )
        .exclude(pk=experiment.pk)
        .exists()
    ):
        raise ExperimentError("Another test is already running on that field of the page.")
    experiment.status = Experiment.Status.RUNNING
    experiment.started_at = experiment.started_at or timezone.now()
    experiment.ended_at = None
    experiment.save(update_fields=["status", "started_at", "ended_at", "updated_at"])
    _audit(experiment, actor, "start")
    transaction.on_commit(resolution.invalidate)
    return experiment


@transaction.atomic
def experiment_stop(*, experiment: Experiment, actor=None) -> Experiment:
    if experiment.status != Experiment.Status.RUNNING:
        raise ExperimentError("Only a running test can be stopped.")
    experiment.status = Experiment.Status.STOPPED
    experiment.ended_at = timezone.now()
    experiment.save(update_fields=["status", "ended_at", "updated_at"])
    _audit(experiment, actor, "stop")
    transaction.on_commit(resolution.invalidate)
    return experiment


@transaction.atomic
def experiment_ship(*, experiment: Experiment, variant: Variant, actor=None) -> Experiment:
    """Make ``variant`` what everybody sees, and the page's content when it targets one."""
    if variant.experiment_id != experiment.pk:
        raise ExperimentError("That variant belongs to another experiment.")
    if experiment.status == Experiment.Status.SHIPPED:
        raise ExperimentError("This test has already shipped.")
    if experiment.status == Experiment.Status.DRAFT:
        raise ExperimentError("A test that never ran cannot ship.")
    published = False
    if experiment.target == Experiment.Target.EMAIL_SUBJECT and variant.content.strip():
        from nurture.facade import email_subject_set

        email_subject_set(
            sequence_step_id=experiment.sequence_step_id,
            newsletter_issue_id=experiment.newsletter_issue_id,
            subject=variant.content.strip(),
        )
    if experiment.target == Experiment.Target.FORM_FIELDS and experiment.page_id:
        from content.facade import resource_form_fields_set

        fields = field_set(variant.content)
        if fields:  # a blank control keeps the form's own fields
            resource_form_fields_set(page_id=experiment.page_id, fields=fields, actor=actor)
            published = True
    if experiment.target in PAGE_FIELD_TARGETS and experiment.page_id:
        page = experiment.page.specific
        if not hasattr(page, experiment.target):
            raise ExperimentError(f"The page has no field {experiment.target}.")
        setattr(page, experiment.target, variant.content)
        revision = page.save_revision(user=actor, log_action=True)
        revision.publish(user=actor)
        published = True
    experiment.status = Experiment.Status.SHIPPED
    experiment.winner = variant
    experiment.ended_at = experiment.ended_at or timezone.now()
    experiment.save(update_fields=["status", "winner", "ended_at", "updated_at"])
    _audit(experiment, actor, "ship", variant=variant.key, page_published=published)
    transaction.on_commit(resolution.invalidate)
    return experiment
