"""The learned scoring model: training it on won and lost outcomes, and activating a
version (or the rules) for every later rescore.
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from predictions.facade import held_out
from scoring import selectors
from scoring.engine import (
    EMPTY_ACTIVITY,
    LEAD_COLUMNS,
    C,
    Config,
    RulesModel,
    feature_values,
)
from scoring.engine.raw import raw_record
from scoring.models import ScoringModel

# --- learned model ----------------------------------------------------------------------------


def training_records() -> tuple[list[dict], np.ndarray, list, np.ndarray]:
    """Raw attributes (as of each lead's last change), outcomes, creation times and the
    rules' scores (as of the last activity, no decay) of labelled leads, oldest first."""
    config = Config.from_settings()
    rules = RulesModel(config)
    labelled = list(
        selectors.labelled_leads().values_list(*LEAD_COLUMNS, "outcome", "stage", "updated_at")
    )
    activities = selectors.activity_for([r[0] for r in labelled])
    records, y, times, values = [], [], [], []
    n = len(LEAD_COLUMNS)
    for r in labelled:
        row = r[:n]
        outcome, stage, changed_at = r[n], r[n + 1], r[n + 2]
        activity = activities.get(row[0], EMPTY_ACTIVITY)
        records.append(raw_record(row, activity, as_of=changed_at))
        values.append(feature_values(row, activity, config, decay=1.0))
        y.append(1 if outcome == "won" or (stage == "customer" and outcome != "lost") else 0)
        times.append(row[C["created_at"]])
    rules_scores = (
        rules.explain_batch(np.asarray(values, dtype=float))[0].astype(float)
        if values
        else np.zeros(0)
    )
    return records, np.asarray(y, dtype=int), times, rules_scores


def scoring_model_train(*, activate: bool = True, seed: int = 0):
    """Train a learned model on leads with known outcomes (time-ordered split), compare it
    with the rules on the held-out period and store it as a new version; activate it only
    when it beats the rules reliably and by ``SCORING_MIN_AUC_GAIN``. Refuses without
    enough outcomes."""
    from scoring.learned import ALGORITHM, TrainReport, dump, evaluate

    records, y, times, rules_scores = training_records()
    n, n_pos = len(y), int(y.sum()) if len(y) else 0
    min_n, min_class = settings.SCORING_MIN_OUTCOMES, settings.SCORING_MIN_PER_CLASS
    if n < min_n or n_pos < min_class or n - n_pos < min_class:
        return TrainReport(
            status="refused",
            message=(
                f"Not enough outcomes to train: {n} leads with a known outcome "
                f"({n_pos} won, {n - n_pos} lost); need at least {min_n}, with {min_class} "
                "of each. Keeping the current scoring."
            ),
            n_labelled=n,
            n_positive=n_pos,
        )
    holdout = settings.SCORING_HOLDOUT_FRACTION
    tr, te = held_out(times, holdout)
    y_train, y_test = y[tr], y[te]
    per_class = min_class // 3 or 1
    if (
        min(y_train.sum(), len(y_train) - y_train.sum()) < per_class
        or min(y_test.sum(), len(y_test) - y_test.sum()) < per_class
    ):
        return TrainReport(
            status="refused",
            message=(
                "Not enough of each outcome on both sides of the time split "
                f"(train: {int(y_train.sum())} won / {len(y_train) - int(y_train.sum())} lost, "
                f"held out: {int(y_test.sum())} won / {len(y_test) - int(y_test.sum())} lost). "
                "Keeping the current scoring."
            ),
            n_labelled=n,
            n_positive=n_pos,
        )
    model, report = evaluate(
        records,
        y,
        times,
        rules_scores,
        holdout=holdout,
        min_gain=settings.SCORING_MIN_AUC_GAIN,
        seed=seed,
    )
    report.n_labelled, report.n_positive = n, n_pos
    report.split_at = times[te[0]].isoformat()
    with transaction.atomic():
        last = ScoringModel.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        go = activate and report.status == "activated"
        if not go and report.status == "activated":
            report.status = "not_activated"
            report.message += " (not activated: --no-activate)"
        if go:
            ScoringModel.objects.filter(is_active=True).update(is_active=False)
        report.version = version
        ScoringModel.objects.create(
            version=version,
            algorithm=ALGORITHM,
            feature_names=list(model.fields),
            artifact=dump(model),
            metrics=report.as_dict(),
            is_active=go,
            activated_at=timezone.now() if go else None,
        )
    return report


@transaction.atomic
def scoring_model_activate(*, version: int | None) -> ScoringModel | None:
    """Activate a stored model version, or go back to the rules with ``None``."""
    ScoringModel.objects.filter(is_active=True).update(is_active=False)
    if version is None:
        return None
    model = ScoringModel.objects.select_for_update().get(version=version)
    model.is_active = True
    model.activated_at = timezone.now()
    model.save(update_fields=["is_active", "activated_at"])
    return model
