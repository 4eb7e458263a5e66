"""``manage.py train_scoring_model [--no-activate] [--json]``: train a learned scoring model
(calibrated gradient boosting on the leads' raw attributes) on leads with known outcomes,
report AUC with its bootstrap interval and calibration against the rules on the held-out
(latest) period, and activate it only if it beats them by the margin."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.console import ProgressStream
from scoring import services


class Command(BaseCommand):
    help = "Train, evaluate and (if better than the rules) activate a learned scoring model."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-activate", action="store_true", help="Store and report, but never activate."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, no_activate=False, json=False, no_progress=False, **opts) -> None:
        steps = ["load outcomes", "train + evaluate", "store"]
        stream = ProgressStream(self.stderr)
        with tqdm(total=len(steps), unit="step", disable=no_progress, file=stream) as bar:
            bar.set_description(steps[0])
            report = services.scoring_model_train(activate=not no_activate)
            bar.update(len(steps))
        if json:
            self.stdout.write(_json(report.as_dict()))
            return
        style = {
            "activated": self.style.SUCCESS,
            "not_activated": self.style.WARNING,
            "refused": self.style.ERROR,
        }[report.status]
        self.stdout.write(style(report.message))
        if report.status == "refused":
            return
        self.stdout.write(
            f"Labelled leads: {report.n_labelled} ({report.n_positive} won); "
            f"train {report.n_train}, held out {report.n_test} (from {report.split_at})"
        )
        lo, hi = report.auc_model_interval
        glo, ghi = report.auc_gain_interval
        self.stdout.write(
            f"AUC  model {report.auc_model:.3f} (95% {lo:.3f}-{hi:.3f})  "
            f"rules {report.auc_rules:.3f}  gain {report.auc_gain:+.3f} "
            f"(95% {glo:+.3f} to {ghi:+.3f}; margin {report.min_gain:.3f})"
        )
        self.stdout.write(f"Brier model {report.brier_model:.4f}  rules {report.brier_rules:.4f}")
        self.stdout.write("Reliability (held out): bin  n  predicted  observed")
        for b in report.reliability_model:
            self.stdout.write(
                f"  {b['bin']:>7}  {b['n']:>4}  {b['mean_predicted']:.3f}  {b['observed_rate']:.3f}"
            )
        top = ", ".join(f"{k} {v:.1f}" for k, v in report.importance[:8])
        self.stdout.write(f"Attributes that move scores most (mean points): {top}")
        self.stdout.write(f"Stored as version {report.version}.")


def _json(data: dict) -> str:
    return json.dumps(data, indent=2, default=str)
