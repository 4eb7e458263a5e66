"""Writes of the experiments app: exposures, and the life cycle start → stop → ship.

Every life-cycle change writes an ``ExperimentAudit`` row with the acting user. Shipping
copies the winning variant's content into the target field of the page and publishes a new
revision, so the winner becomes the page's content for everyone.
"""

from __future__ import annotations

import uuid

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


def exposure_record(*, experiment_id: int, variant_id: int, visitor_id: uuid.UUID) -> None:
    """Record that a visitor entered an experiment; a repeat is ignored by the database."""
    Exposure.objects.bulk_create(
        [Exposure(experiment_id=experiment_id, variant_id=variant_id, visitor_id=visitor_id)],
        ignore_conflicts=True,
    )


def exposures_record(rows: list[tuple[int, int, uuid.UUID]]) -> None:
    """Record a batch of ``(experiment_id, variant_id, visitor_id)`` exposures at once."""
    Exposure.objects.bulk_create(
        [Exposure(experiment_id=e, variant_id=v, visitor_id=vid) for e, v, vid in rows],
        ignore_conflicts=True,
    )


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
