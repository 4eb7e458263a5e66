"""Demo experiments (``load_demo --history``): SYNTHETIC exposures and conversions, so a
newcomer's experiments dashboard shows a read-out on the first run.

- A **finished** home-hero test (stopped 90 days ago, after 30 days) whose challenger
  headline brought clearly more leads: the read-out names it the winner.
- A **running** call-to-action test started three days ago: too few exposures and
  conversions yet, so the read-out says there is not enough data.

The exposed browsers are synthetic: the visitors of ``predictions.demo``'s synthetic leads
first seen while the test ran (a lead captured after its exposure is a conversion, as the
read-out reads it from the pipeline) and anonymous synthetic visitors (through
``leads.facade``, marked as synthetic there). The split is drawn with a planted lift, not
from the sticky hash real visitors get. Runs after ``predictions.demo`` (its leads), and
running it again replaces both tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from django.utils import timezone

from experiments.models import Experiment, ExperimentAudit, Exposure, Variant

FINISHED = "demo-home-hero"
RUNNING = "demo-home-cta"
CONTROL_RATE = 0.04  # leads captured per exposed visitor on the control
LIFT = 0.5  # the challenger's planted relative lift
NOTE = "SYNTHETIC demo data (load_demo --history): generated exposures and conversions."


def load(log: Callable[[str], None]) -> None:
    return None


def has_history() -> bool:
    return Experiment.objects.filter(slug=FINISHED).exists()


def load_history(log: Callable[[str], None], *, seed: int = 18) -> int:
    """Replace the two demo experiments; returns the number of exposures written."""
    rng = np.random.default_rng(seed)
    now = timezone.now()
    Experiment.objects.filter(slug__in=[FINISHED, RUNNING]).delete()
    n = _finished(rng, now) + _running(rng, now)
    log(f"experiments: 2 demo experiments (1 finished with a winner, 1 running), {n} exposures")
    return n


def _experiment(slug: str, name: str, target: str, variants: list[tuple[str, str, str]], **kw):
    exp = Experiment.objects.create(
        slug=slug, name=name, target=target, goal=Experiment.Goal.LEAD_CAPTURED, **kw
    )
    rows = [
        Variant(experiment=exp, key=key, name=label, content=content, weight=50, sort_order=i)
        for i, (key, label, content) in enumerate(variants)
    ]
    Variant.objects.bulk_create(rows)
    return exp, rows


def _synthetic_lead_visitors(since: dt.datetime, until: dt.datetime) -> list[tuple]:
    from leads.facade import Visitor, synthetic_leads_q

    return list(
        Visitor.objects.filter(
            synthetic_leads_q("lead__"),
            lead__created_at__gte=since,
            lead__created_at__lt=until,
        )
        .order_by("lead__created_at")
        .values_list("pk", "lead__created_at")
    )


def _expose(exp, arms: list[Variant], rows: list[tuple]) -> int:
    """rows: (arm index, visitor id, exposed at)."""
    from leads.facade import synthetic_visitors_create

    anonymous = [(i, t) for i, vid, t in rows if vid is None]
    ids = iter(synthetic_visitors_create(seen=[t for _, t in anonymous]))
    exposures = [
        Exposure(experiment=exp, variant=arms[i], visitor_id=vid or next(ids)) for i, vid, _ in rows
    ]
    Exposure.objects.bulk_create(exposures, batch_size=1000)
    for e, (_, _, t) in zip(exposures, rows, strict=True):
        e.created_at = t
    Exposure.objects.bulk_update(exposures, ["created_at"], batch_size=1000)
    return len(exposures)


def _rows(rng, start: dt.datetime, end: dt.datetime, converted: list[tuple], per_arm: int):
    """Converted visitors split with the planted lift, then anonymous visitors so that each
    arm has ``per_arm`` exposures (the configured 50/50 split)."""
    share_b = (1 + LIFT) / (2 + LIFT)
    rows, count = [], [0, 0]
    for vid, created in converted:
        arm = int(rng.random() < share_b)
        count[arm] += 1
        at = max(created - dt.timedelta(hours=float(rng.uniform(0.1, 6))), start)
        rows.append((arm, vid, min(at, created)))
    span = (end - start).total_seconds()
    for arm in (0, 1):
        for _ in range(max(per_arm - count[arm], 0)):
            rows.append((arm, None, start + dt.timedelta(seconds=float(rng.uniform(0, span)))))
    return rows


def _finished(rng, now: dt.datetime) -> int:
    start, end = now - dt.timedelta(days=120), now - dt.timedelta(days=90)
    exp, arms = _experiment(
        FINISHED,
        "[Synthetic demo] Home hero: outcome-led headline",
        Experiment.Target.HERO_TITLE,
        [
            ("control", "Current headline", ""),
            ("b", "Outcome-led headline", "Turn every visit into qualified pipeline"),
        ],
        hypothesis="A headline that names the outcome brings more leads than one that names "
        f"the technology. {NOTE}",
        status=Experiment.Status.STOPPED,
        started_at=start,
        ended_at=end,
    )
    converted = _synthetic_lead_visitors(start, end)
    per_arm = int(len(converted) / (CONTROL_RATE * (2 + LIFT)))
    n = _expose(exp, arms, _rows(rng, start, end, converted, per_arm))
    ExperimentAudit.objects.bulk_create(
        [
            ExperimentAudit(experiment=exp, action="started", details={"note": NOTE}),
            ExperimentAudit(experiment=exp, action="stopped", details={"note": NOTE}),
        ]
    )
    return n


def _running(rng, now: dt.datetime) -> int:
    start = now - dt.timedelta(days=3)
    exp, arms = _experiment(
        RUNNING,
        "[Synthetic demo] Home call to action: free assessment",
        Experiment.Target.HERO_CTA,
        [
            ("control", "Current label", ""),
            ("b", "Free assessment", "Get a free AI readiness assessment"),
        ],
        hypothesis=f"Offering the assessment on the home page brings more leads. {NOTE}",
        status=Experiment.Status.RUNNING,
        started_at=start,
    )
    converted = _synthetic_lead_visitors(start, now)[:8]
    n = _expose(exp, arms, _rows(rng, start, now, converted, 40))
    ExperimentAudit.objects.create(experiment=exp, action="started", details={"note": NOTE})
    return n
