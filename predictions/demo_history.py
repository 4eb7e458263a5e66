"""The SYNTHETIC year behind ``load_demo --history``: leads, their deals, wins, losses and
repeat purchases, generated (not real) with the planted signal of ``predictions.synthetic``.

Pure generation (no database): ``generate`` returns plain rows that ``predictions.demo``
writes (leads through ``leads.facade``). For each lead, over ``DAYS`` days:

- its raw attributes are ``synthetic._lead_attributes``' (size, industry, budget, timeline,
  authority, source, visits, page views, downloads, interests);
- it opens a deal within 60 days of its last visit with the probability of
  ``synthetic.intent_logit`` (authority not monotonic, downloads x recency, source) — the
  intent score's label;
- the deal is for the service drawn from ``synthetic._propensity_logits`` (interests shift
  the odds a little) — propensity; it is won with ``synthetic.conversion_logit``'s
  probability (size not monotonic, source, budget x timeline) — the learned score's and
  propensity's label; a won deal's amount is ``synthetic.budget_log_median``'s (budget) and
  every deal closes ``synthetic.timeline_mean_days`` after the last visit (timeline: won
  or lost, its length says nothing of its outcome); a deal closing after today is open;
- a won account buys again with ``repeat_probability`` (size not monotonic, industry x
  size) — churn is "no new deal within 180 days of the first win".

A lead's visits fall in its first ten days, before any deal (no visit after a win is
generated, so churn is learned from the account, not from a visit that gives the label
away; the date of the last visit says nothing of the outcome). Offsets (``INTENT_OFFSET``,
``WIN_OFFSET``) only set how many leads reach a deal and a win, so that a year holds
enough decided history.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from predictions import synthetic

DAYS = 365
INTENT_OFFSET = 0.9
WIN_OFFSET = 0.6
OPEN_STAGES = ("discovery", "proposal", "negotiation")
REPEAT_SIZE = {"1-10": -2.6, "11-50": 0.4, "51-200": 2.0, "201-500": 0.6, "500+": -2.0}


def repeat_probability(industry: str, size: str) -> float:
    """A won account buys again: mid-sized companies come back, the smallest and largest do
    not (not monotonic in size), fintech and logistics mid-sized ones most (an interaction),
    education rarely."""
    x = -0.3 + REPEAT_SIZE[size]
    x += 1.6 if (industry in ("fintech", "logistics") and size in ("51-200", "201-500")) else 0
    x -= 1.6 if industry == "education" else 0
    return float(synthetic._sigmoid(x))


@dataclass
class DealRow:
    service: str
    amount: float
    stage: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    repeat: bool = False


@dataclass
class LeadRow:
    key: int
    attrs: dict[str, Any]
    created_at: dt.datetime
    last_visit_at: dt.datetime
    updated_at: dt.datetime
    stage: str
    outcome: str
    qualified_at: dt.datetime | None
    deals: list[DealRow] = field(default_factory=list)
    downloads: list[dt.datetime] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, Any]:
        """The lead's columns."""
        a = self.attrs
        views = int(a["page_views"])
        return {
            "name": f"Synthetic Lead {self.key}",
            "company": f"Synthetic {a['industry'].capitalize()} Co {self.key}",
            "company_size": a["company_size"],
            "industry": a["industry"],
            "budget": a["budget"],
            "timeline": a["timeline"],
            "authority": a["authority"],
            "source": a["source"],
            "interests": list(a["interests"]),
            "visits": int(a["visits"]),
            "page_views": views,
            "time_on_site_seconds": int(a["seconds"]),
            "avg_scroll_depth": float(a["scroll"]),
            "first_visit_at": self.created_at,
            "last_visit_at": self.last_visit_at,
            "stage": self.stage,
            "outcome": self.outcome,
            "qualified_at": self.qualified_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _days(x: float) -> dt.timedelta:
    return dt.timedelta(days=float(x))


def _softmax_choice(rng: np.random.Generator, a: dict[str, Any]) -> str:
    logits = synthetic._propensity_logits(a)
    z = np.array([logits[s] + 0.5 * (s in a["interests"]) for s in synthetic.SERVICES])
    p = np.exp(z - z.max())
    return synthetic.SERVICES[int(rng.choice(len(p), p=p / p.sum()))]


def generate(*, leads: int, now: dt.datetime, seed: int = 18) -> list[LeadRow]:
    """``leads`` synthetic leads first seen over the last ``DAYS`` days, oldest first."""
    rng = np.random.default_rng(seed)
    start = now - _days(DAYS)
    attrs = synthetic._lead_attributes(rng, leads)
    ages = np.sort(rng.uniform(0, DAYS, leads))
    out = []
    for k, (a, day) in enumerate(zip(attrs, ages, strict=True), start=1):
        # a download is read: minutes on site (the lead keeps no count of downloads)
        a["seconds"] = int(a["page_views"] * rng.gamma(2.0, 35.0) + a["downloads"] * 240)
        a["scroll"] = round(float(rng.beta(2, 2)), 2)
        created = start + _days(day)
        row = _lead(rng, k, a, created, now)
        out.append(row)
    return out


def _lead(rng, k: int, a: dict[str, Any], created: dt.datetime, now: dt.datetime) -> LeadRow:
    # Visits happen in the lead's first weeks whatever follows (so no model reads the
    # outcome off the last visit's date); the deal, if any, comes after them.
    last = min(created + _days(rng.uniform(0, 10)), now)
    deal = None
    if rng.random() < synthetic._sigmoid(synthetic.intent_logit(a) + INTENT_OFFSET):
        deal = _deal(rng, a, last, now)
    if deal is None or deal.closed_at is None:
        stage = "opportunity" if deal else ("qualified" if a["visits"] >= 4 else "identified")
        outcome, updated = "", last
    else:
        stage = "customer" if deal.stage == "won" else "opportunity"
        outcome, updated = deal.stage, deal.closed_at
    row = LeadRow(
        key=k,
        attrs=a,
        created_at=created,
        last_visit_at=last,
        updated_at=updated,
        stage=stage,
        outcome=outcome,
        qualified_at=deal.opened_at if deal else None,
    )
    span = max((last - created).total_seconds(), 60.0)
    row.downloads = [
        created + dt.timedelta(seconds=float(rng.uniform(0, span))) for _ in range(a["downloads"])
    ]
    if deal is not None:
        row.deals.append(deal)
        if deal.stage == "won":
            row.deals += _repeats(rng, a, deal, now)
    return row


def _deal(rng, a: dict[str, Any], created: dt.datetime, now: dt.datetime) -> DealRow:
    """A deal opened after the lead's visits (``created`` = its last visit), closing
    ``timeline_mean_days`` after them."""
    opened = created + _days(rng.uniform(1, 40))
    won = rng.random() < synthetic._sigmoid(synthetic.conversion_logit(a) + WIN_OFFSET)
    # Won or lost, a deal takes as long: its length says nothing of its outcome.
    mean = synthetic.timeline_mean_days(a)
    closes = created + _days(rng.gamma(synthetic.TIMELINE_SHAPE, mean / synthetic.TIMELINE_SHAPE))
    if closes <= opened:
        opened = created + (closes - created) / 2
    if won:
        amount = math.exp(synthetic.budget_log_median(a) + rng.normal(0, synthetic.BUDGET_SIGMA))
    else:
        amount = float(rng.lognormal(math.log(15000), 0.7))
    service = _softmax_choice(rng, a)
    if closes > now:
        age = (now - opened).days
        stage = OPEN_STAGES[min(max(age, 0) // 20, 2)]
        return DealRow(service, round(amount, 2), stage, opened, None)
    return DealRow(service, round(amount, 2), "won" if won else "lost", opened, closes)


def _repeats(rng, a: dict[str, Any], first: DealRow, now: dt.datetime) -> list[DealRow]:
    p = repeat_probability(a["industry"], a["company_size"])
    out, at = [], first.closed_at
    for n in range(3):  # up to three repeat purchases, each less likely
        if rng.random() >= p * (0.7**n):
            break
        at = at + _days(rng.gamma(3.0, 30.0))
        if at > now:
            break
        closes = at + _days(rng.gamma(2.0, 10.0))
        done = closes <= now
        out.append(
            DealRow(
                service=synthetic.SERVICES[int(rng.integers(len(synthetic.SERVICES)))],
                amount=round(first.amount * float(rng.uniform(0.3, 0.8)), 2),
                stage="won" if done else "negotiation",
                opened_at=at,
                closed_at=closes if done else None,
                repeat=True,
            )
        )
    return out
