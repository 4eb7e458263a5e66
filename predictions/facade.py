"""The predictions app's public surface: the only module another app imports from
``predictions``.

The shared learner on raw attributes (``predictions.learning``): calibrated gradient
boosting over one-hot categories, counts and recencies, evaluated on a temporal hold-out
against a baseline with bootstrap intervals, activated only when reliably better, and
explained per record by its tree paths. The scoring app's learned score uses it; so do the
conversion, churn and propensity predictions here. ``models_train`` trains those now
(``load_demo --train``).
"""

from __future__ import annotations

from predictions.learning import (
    Evaluation,
    RawModel,
    auc,
    evaluate_classifier,
    held_out,
)

__all__ = ["Evaluation", "RawModel", "auc", "evaluate_classifier", "held_out", "models_train"]


def models_train() -> dict[str, str]:
    """Train churn, propensity, intent, budget and timeline on the project's history now
    (what the nightly task does, without queueing the interventions); ``{model: status}``."""
    from predictions.training import train_all

    return train_all()
