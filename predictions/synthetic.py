"""SYNTHETIC history: a generator of plausible leads, deals and customers with known truth.

Nothing here is real data. It exists for two reasons: (1) tests and benches can check each
model against the best possible ranking, computed from the generator's own true
probabilities; (2) ``load_demo --history`` gives a newcomer a year of pipeline so that the
models and the forecast have something to learn from on the first run.

The planted signal is deliberately one the rules cannot see: company size matters in a
non-monotonic way (mid-sized companies buy, the smallest and the largest do not), the
lead's source (which the rules weigh at zero) matters, and budget interacts with timeline
(a big budget only helps with a near timeline; with a far one it hurts). ``signal=False``
draws every outcome from one constant rate: there is nothing to learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SIZES = ["1-10", "11-50", "51-200", "201-500", "500+"]
INDUSTRIES = [
    "fintech",
    "healthcare",
    "retail",
    "manufacturing",
    "education",
    "logistics",
    "government",
    "media",
]
BUDGETS = ["<10k", "10k-50k", "50k-100k", "100k+"]
TIMELINES = ["immediate", "1-3mo", "3-6mo", "6-12mo", "12mo+"]
AUTHORITIES = ["decision_maker", "influencer", "user", ""]
SOURCES = ["referral", "organic", "paid", "event", "social", "email"]
SERVICES = ["ai-strategy", "data-platform", "cloud-migration", "security-audit"]
PLANS = ["basic", "pro", "enterprise"]
NPS = ["promoter", "passive", "detractor", "unknown"]

SIZE_EFFECT = {"1-10": -0.9, "11-50": 0.3, "51-200": 1.1, "201-500": 0.2, "500+": -1.0}
INDUSTRY_EFFECT = {
    "fintech": 0.7,
    "healthcare": -0.6,
    "retail": 0.4,
    "manufacturing": -0.3,
    "education": -0.9,
    "logistics": 0.6,
    "government": -0.2,
    "media": 0.0,
}
SOURCE_EFFECT = {
    "referral": 1.0,
    "organic": 0.2,
    "paid": -0.6,
    "event": 0.6,
    "social": -0.5,
    "email": 0.0,
}


def _sigmoid(x: np.ndarray | float) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Dataset:
    """Records (raw attributes), outcomes, times, the truth and a baseline's scores."""

    records: list[dict[str, Any]]
    y: np.ndarray
    times: np.ndarray
    truth: np.ndarray
    baseline: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)


def _lead_attributes(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        visits = int(rng.geometric(0.25))
        out.append(
            {
                "company_size": SIZES[rng.integers(len(SIZES))],
                "industry": INDUSTRIES[rng.integers(len(INDUSTRIES))],
                "budget": BUDGETS[rng.integers(len(BUDGETS))],
                "timeline": TIMELINES[rng.integers(len(TIMELINES))],
                "authority": AUTHORITIES[rng.integers(len(AUTHORITIES))],
                "source": SOURCES[rng.integers(len(SOURCES))],
                "visits": visits,
                "page_views": int(visits * (1 + rng.poisson(2))),
                "downloads": int(rng.poisson(0.6)),
                "days_since_last_visit": int(rng.integers(0, 60)),
                "interests": sorted(
                    {SERVICES[i] for i in rng.integers(len(SERVICES), size=rng.integers(0, 3))}
                ),
            }
        )
    return out


def rules_view(r: dict[str, Any]) -> float:
    """What weighted rules see: bigger, richer, sooner and busier is better (monotonic),
    target industries score highest, the source is weighed at zero."""
    size = SIZES.index(r["company_size"]) / 4
    budget = BUDGETS.index(r["budget"]) / 3
    timeline = 1 - TIMELINES.index(r["timeline"]) / 4
    authority = {"decision_maker": 1.0, "influencer": 0.6, "user": 0.3, "": 0.0}[r["authority"]]
    industry = 1.0 if r["industry"] in ("fintech", "healthcare") else 0.5
    engagement = min(r["visits"] / 10, 1.0) * 0.5 + min(r["downloads"] / 3, 1.0) * 0.5
    return (
        0.15 * size
        + 0.15 * budget
        + 0.15 * timeline
        + 0.1 * authority
        + 0.1 * industry
        + 0.35 * engagement
    )


def conversion_logit(r: dict[str, Any]) -> float:
    big = r["budget"] in ("50k-100k", "100k+")
    x = -1.0 + SIZE_EFFECT[r["company_size"]] + INDUSTRY_EFFECT[r["industry"]]
    x += SOURCE_EFFECT[r["source"]]
    if big and r["timeline"] in ("immediate", "1-3mo"):
        x += 1.8
    elif big and r["timeline"] in ("6-12mo", "12mo+"):
        x -= 1.2
    x += 0.3 * math.log1p(r["visits"]) - 0.015 * r["days_since_last_visit"]
    return x


def conversion_history(n: int = 6000, *, signal: bool = True, seed: int = 0) -> Dataset:
    """Closed leads over a year: won (1) or lost (0)."""
    rng = np.random.default_rng(seed)
    records = _lead_attributes(rng, n)
    truth = np.array(
        [_sigmoid(conversion_logit(r)) if signal else 0.3 for r in records], dtype=float
    )
    y = (rng.random(n) < truth).astype(int)
    times = np.sort(rng.uniform(0, 365, n))
    baseline = np.array([rules_view(r) for r in records])
    return Dataset(records, y, times, truth, baseline)


def _propensity_logits(r: dict[str, Any]) -> dict[str, float]:
    size = SIZES.index(r["company_size"])
    return {
        "ai-strategy": 0.8 * (r["industry"] in ("fintech", "retail"))
        + (size == 2) * 0.9
        - (size == 4) * 0.8,
        "data-platform": 0.9 * (r["industry"] in ("logistics", "manufacturing"))
        + 1.2 * (size >= 3 and r["budget"] == "100k+")
        - 0.5 * (size == 0),
        "cloud-migration": 1.0 * (r["industry"] == "government")
        + 0.6 * (size in (1, 3))
        - 0.9 * (r["industry"] == "fintech" and size == 2),
        "security-audit": 1.1 * (r["industry"] in ("healthcare", "fintech") and size >= 3)
        + 0.4 * (r["source"] == "event"),
    }


def propensity_history(n: int = 6000, *, signal: bool = True, seed: int = 1) -> dict[str, Dataset]:
    """Won customers and the service each bought, as one binary dataset per service.

    Interests listed by the lead shift the odds a little; the baseline ranks by them."""
    rng = np.random.default_rng(seed)
    records = _lead_attributes(rng, n)
    times = np.sort(rng.uniform(0, 365, n))
    probs = np.zeros((n, len(SERVICES)))
    for i, r in enumerate(records):
        logits = _propensity_logits(r) if signal else dict.fromkeys(SERVICES, 0.0)
        z = np.array([logits[s] + (0.5 * (s in r["interests"]) if signal else 0) for s in SERVICES])
        e = np.exp(z - z.max())
        probs[i] = e / e.sum()
    bought = np.array([rng.choice(len(SERVICES), p=p) for p in probs])
    out = {}
    for k, s in enumerate(SERVICES):
        baseline = np.array([1.0 if s in r["interests"] else 0.0 for r in records])
        baseline += rng.random(n) * 1e-3  # ties broken at random
        out[s] = Dataset(records, (bought == k).astype(int), times, probs[:, k], baseline)
    return out


def _customer_attributes(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        prev = float(rng.gamma(2.0, 6.0))
        trend = float(rng.choice([1.0, 0.8, 0.5, 0.2], p=[0.4, 0.3, 0.2, 0.1]))
        out.append(
            {
                "plan": PLANS[rng.integers(3)],
                "industry": INDUSTRIES[rng.integers(len(INDUSTRIES))],
                "company_size": SIZES[rng.integers(len(SIZES))],
                "nps": NPS[rng.integers(4)],
                "tenure_days": int(rng.integers(30, 1100)),
                "logins_prev_60": round(prev * 2, 1),
                "logins_last_30": float(rng.poisson(prev * trend)),
                "tickets_last_90": int(rng.poisson(1.0)),
                "seats": int(rng.integers(1, 200)),
                "first_amount": round(float(rng.lognormal(math.log(20000), 0.6)), 2),
            }
        )
        out[-1]["usage_trend"] = usage_trend(out[-1])
    return out


def usage_trend(c: dict[str, Any]) -> float:
    """Recent logins against the previous months' pace (1 = steady, 0 = stopped)."""
    return round(c["logins_last_30"] / max(c["logins_prev_60"] / 2, 1.0), 3)


def churn_logit(c: dict[str, Any]) -> float:
    usage_ratio = usage_trend(c)
    x = -1.6
    x += {"basic": 0.5, "pro": -0.4, "enterprise": 0.2}[c["plan"]]  # not monotonic in price
    if usage_ratio < 0.5 and c["nps"] == "detractor":
        x += 2.2  # interaction: fading use only matters for unhappy customers
    elif usage_ratio < 0.5:
        x += 0.5
    t = c["tenure_days"]
    x += 0.9 if t < 180 else (-0.5 if t < 700 else 0.4)  # U-shaped in tenure
    x += 0.25 * c["tickets_last_90"]
    return x


def churn_history(n: int = 5000, *, signal: bool = True, seed: int = 2) -> Dataset:
    """Customers observed at a point in time; 1 = churned within the next 90 days."""
    rng = np.random.default_rng(seed)
    records = _customer_attributes(rng, n)
    truth = np.array([_sigmoid(churn_logit(c)) if signal else 0.25 for c in records])
    y = (rng.random(n) < truth).astype(int)
    times = np.sort(rng.uniform(0, 365, n))
    # Baseline rule: the fewer recent logins, the higher the risk.
    baseline = np.array([-c["logins_last_30"] for c in records]) + rng.random(n) * 1e-3
    return Dataset(records, y, times, truth, baseline)


def repeat_rate(c: dict[str, Any]) -> float:
    """Expected number of repeat purchases over the customer's lifetime."""
    size = SIZES.index(c["company_size"])
    rate = 1.2 + {"fintech": 1.0, "education": -0.7, "retail": 0.5}.get(c["industry"], 0.0)
    rate += 1.5 if (c["plan"] == "enterprise" and size in (2, 3)) else 0.0  # interaction
    rate -= 0.8 if size == 0 else 0.0
    return max(rate, 0.1)


def clv_history(n: int = 5000, *, signal: bool = True, seed: int = 3) -> Dataset:
    """Customers: first deal amount and attributes -> realised lifetime value."""
    rng = np.random.default_rng(seed)
    records = _customer_attributes(rng, n)
    rates = np.array([repeat_rate(c) if signal else 1.5 for c in records])
    first = np.array([c["first_amount"] for c in records])
    repeat_mean = 0.5  # each repeat purchase is about half of the first deal
    truth = first * (1 + rates * repeat_mean)
    counts = rng.poisson(rates)
    y = first + np.array(
        [
            first[i] * repeat_mean * (rng.gamma(8.0, 1 / 8.0, size=k).sum() if k else 0.0)
            for i, k in enumerate(counts)
        ]
    )
    times = np.sort(rng.uniform(0, 365, n))
    baseline = first  # placeholder; the evaluation fits the global multiplier on training
    return Dataset(records, y, times, truth, baseline)


# --- deals (the forecast) ------------------------------------------------------------------


@dataclass
class Deal:
    opened: float  # day
    amount: float
    source: str
    won: bool
    closes: float  # day the outcome is known


def deal_history(days: int = 540, *, seed: int = 4, per_day: float = 1.2) -> list[Deal]:
    """Deals opened as a Poisson process; win rate by source; close time gamma-distributed."""
    rng = np.random.default_rng(seed)
    win = {
        "referral": 0.45,
        "organic": 0.3,
        "paid": 0.15,
        "event": 0.35,
        "social": 0.12,
        "email": 0.25,
    }
    deals = []
    for day in range(days):
        for _ in range(rng.poisson(per_day)):
            src = SOURCES[rng.integers(len(SOURCES))]
            deals.append(
                Deal(
                    opened=day + float(rng.random()),
                    amount=round(float(rng.lognormal(math.log(15000), 0.7)), 2),
                    source=src,
                    won=bool(rng.random() < win[src]),
                    closes=0.0,
                )
            )
            deals[-1].closes = deals[-1].opened + float(rng.gamma(2.0, 20.0))
    return deals


# --- intent, budget band, timeline (ai_data) ------------------------------------------------

AUTHORITY_INTENT = {"decision_maker": 0.2, "influencer": 0.9, "user": -0.4, "": -0.8}


def intent_logit(r: dict[str, Any]) -> float:
    """Opens a deal within 90 days: influencers (researching for a buyer) more than decision
    makers (not monotonic in seniority), and downloads only count when recent (an
    interaction of downloads and recency); events help, paid clicks do not."""
    x = -1.7 + AUTHORITY_INTENT[r["authority"]]
    if r["downloads"] >= 1 and r["days_since_last_visit"] < 14:
        x += 1.6
    elif r["downloads"] >= 1 and r["days_since_last_visit"] >= 30:
        x -= 0.4
    x += 0.35 * math.log1p(r["visits"])
    x += {"event": 0.6, "paid": -0.5}.get(r["source"], 0.0)
    return x


def engagement_view(r: dict[str, Any]) -> float:
    """What the rules' engagement score sees: more visits and downloads, monotonic."""
    return min(r["visits"] / 10, 1.0) * 0.5 + min(r["downloads"] / 3, 1.0) * 0.5


def intent_history(n: int = 6000, *, signal: bool = True, seed: int = 5) -> Dataset:
    """Leads; 1 = a deal was opened within 90 days. Baseline: the engagement score."""
    rng = np.random.default_rng(seed)
    records = _lead_attributes(rng, n)
    truth = np.array([_sigmoid(intent_logit(r)) if signal else 0.2 for r in records])
    y = (rng.random(n) < truth).astype(int)
    times = np.sort(rng.uniform(0, 365, n))
    baseline = np.array([engagement_view(r) for r in records]) + rng.random(n) * 1e-3
    return Dataset(records, y, times, truth, baseline)


BUDGET_SIZE = {"1-10": -0.8, "11-50": -0.2, "51-200": 0.5, "201-500": 0.9, "500+": 0.4}
BUDGET_SIGMA = 0.3
TIMELINE_SHAPE = 6.0


def budget_log_median(r: dict[str, Any]) -> float:
    """log of the median first deal: not monotonic in size (the largest buy in smaller
    pieces), by industry, a decision maker with an immediate need buys bigger (interaction);
    the stated budget is only a hint."""
    x = math.log(15000) + BUDGET_SIZE[r["company_size"]]
    x += {"fintech": 0.5, "government": 0.3, "education": -0.5}.get(r["industry"], 0.0)
    if r["authority"] == "decision_maker" and r["timeline"] in ("immediate", "1-3mo"):
        x += 0.5
    x += 0.2 * (BUDGETS.index(r["budget"]) - 1.5)
    return x


def budget_history(n: int = 6000, *, signal: bool = True, seed: int = 6) -> Dataset:
    """Won leads -> the amount of their first deal (lognormal around the median)."""
    rng = np.random.default_rng(seed)
    records = _lead_attributes(rng, n)
    mu = np.array([budget_log_median(r) if signal else math.log(15000) for r in records])
    y = np.exp(mu + rng.normal(0.0, BUDGET_SIGMA, n))
    truth = np.exp(mu + BUDGET_SIGMA**2 / 2)  # the conditional mean
    times = np.sort(rng.uniform(0, 365, n))
    return Dataset(records, y, times, truth, np.zeros(n), meta={"group": "budget"})


def timeline_mean_days(r: dict[str, Any]) -> float:
    """Mean days from first contact to the won deal: the stated timeline is a hint; the
    largest companies and government are slow, mid-sized ones fast (not monotonic); a
    decision maker speeds a big-budget deal only (interaction)."""
    x = math.log(60) + 0.2 * (TIMELINES.index(r["timeline"]) - 2)
    x += {"1-10": 0.1, "11-50": -0.1, "51-200": -0.4, "201-500": 0.2, "500+": 0.6}[
        r["company_size"]
    ]
    x += 0.5 * (r["industry"] == "government")
    if r["authority"] == "decision_maker" and r["budget"] in ("50k-100k", "100k+"):
        x -= 0.6
    return math.exp(x)


def timeline_history(n: int = 6000, *, signal: bool = True, seed: int = 7) -> Dataset:
    """Won leads -> days from first contact to the win (gamma around the mean)."""
    rng = np.random.default_rng(seed)
    records = _lead_attributes(rng, n)
    truth = np.array([timeline_mean_days(r) if signal else 60.0 for r in records])
    y = rng.gamma(TIMELINE_SHAPE, truth / TIMELINE_SHAPE)
    times = np.sort(rng.uniform(0, 365, n))
    return Dataset(records, y, times, truth, np.zeros(n), meta={"group": "timeline"})
