"""Demo history (``load_demo --history``): a SYNTHETIC year of deals for the forecast, and
synthetic customers with repeat purchases for churn and CLV (see ``_customers``).

Deals come from ``predictions.synthetic.deal_history`` — generated, not real — with amounts,
sources, owners (the demo sales users), stages, wins and losses; the ones still open at
today's date are spread over the open stages. Every row has ``synthetic=True``; running it
again replaces them. Plain ``load_demo`` adds nothing here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from predictions import synthetic
from predictions.models import Deal

DAYS = 365
OPEN_STAGES = (Deal.Stage.DISCOVERY, Deal.Stage.PROPOSAL, Deal.Stage.NEGOTIATION)


def load(log: Callable[[str], None]) -> None:
    return None


def load_history(log: Callable[[str], None], *, seed: int = 18) -> int:
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    owners = list(get_user_model().objects.filter(groups__name="Sales").order_by("pk")[:5])
    Deal.objects.filter(synthetic=True).delete()
    rows = []
    for i, d in enumerate(synthetic.deal_history(days=DAYS, seed=seed)):
        opened = start + dt.timedelta(days=d.opened)
        closes = start + dt.timedelta(days=d.closes)
        done = closes <= now
        if done:
            stage = Deal.Stage.WON if d.won else Deal.Stage.LOST
        else:
            age = (now - opened).days
            stage = OPEN_STAGES[min(age // 20, 2)]
        rows.append(
            Deal(
                name=f"Synthetic deal {i + 1}",
                amount=Decimal(str(d.amount)),
                source=d.source,
                service=synthetic.SERVICES[i % len(synthetic.SERVICES)],
                owner=owners[i % len(owners)] if owners else None,
                stage=stage,
                opened_at=opened,
                closed_at=closes if done else None,
                synthetic=True,
            )
        )
    repeats = _customers(rows, now=now, seed=seed)
    rows += repeats
    Deal.objects.bulk_create(rows, batch_size=1000)
    won = sum(1 for r in rows if r.stage == Deal.Stage.WON)
    open_ = sum(1 for r in rows if r.closed_at is None)
    customers = len({r.lead_id for r in rows if r.lead_id})
    log(
        f"predictions: {len(rows)} synthetic deals over {DAYS} days ({won} won, {open_} open); "
        f"{customers} synthetic customers, {len(repeats)} repeat purchases"
    )
    return len(rows)


# Customer activity (SYNTHETIC): a won deal from the first part of the year becomes a
# customer lead (captured through leads.facade, data-processing consent only, an address on
# a reserved .example domain); whether the customer buys again depends on its industry and
# size in a way that is not monotonic in size (mid-sized companies come back, the smallest
# and largest do not) and an industry x size interaction, so churn (no new deal within 180
# days of the first win) and CLV have something real to learn on the demo. The project keeps
# only a lead's latest visit, so post-win visits are not generated: activity after the win is
# the repeat deals.
CUSTOMER_WINDOW = 240  # days: a win this early leaves time to see a repeat purchase
REPEAT_SIZE = {"1-10": -1.2, "11-50": 0.2, "51-200": 0.9, "201-500": 0.3, "500+": -0.8}


def repeat_probability(industry: str, size: str) -> float:
    x = -0.4 + REPEAT_SIZE[size]
    x += 0.8 if (industry in ("fintech", "logistics") and size in ("51-200", "201-500")) else 0
    x -= 0.6 if industry == "education" else 0
    return float(synthetic._sigmoid(x))


def _customers(rows: list[Deal], *, now: dt.datetime, seed: int) -> list[Deal]:
    import numpy as np

    from leads.facade import ConsentInput, lead_capture

    rng = np.random.default_rng(seed + 1)
    start = now - dt.timedelta(days=DAYS)
    consent = ConsentInput(data_processing=True, wording="Synthetic demo customer.")
    repeats: list[Deal] = []
    firsts = [
        r
        for r in rows
        if r.stage == Deal.Stage.WON and (r.closed_at - start).days < CUSTOMER_WINDOW
    ]
    for k, deal in enumerate(firsts, start=1):
        industry = synthetic.INDUSTRIES[rng.integers(len(synthetic.INDUSTRIES))]
        size = synthetic.SIZES[rng.integers(len(synthetic.SIZES))]
        lead = lead_capture(
            email=f"customer{k}@synthetic-customers.example",
            consent=consent,
            source=deal.source,
            profile={"company": f"Synthetic customer {k}", "industry": industry,
                     "company_size": size},
            trusted=True,
        ).lead  # fmt: skip
        deal.lead = lead
        p = repeat_probability(industry, size)
        at = deal.closed_at
        for n in range(3):  # up to three repeat purchases, each less likely
            if rng.random() >= p * (0.7**n):
                break
            at = at + dt.timedelta(days=float(rng.gamma(3.0, 30.0)))
            if at > now:
                break
            closes = at + dt.timedelta(days=float(rng.gamma(2.0, 10.0)))
            done = closes <= now
            repeats.append(
                Deal(
                    lead=lead,
                    name=f"Synthetic repeat {k}.{n + 1}",
                    amount=Decimal(str(round(float(deal.amount) * rng.uniform(0.3, 0.8), 2))),
                    source=deal.source,
                    service=synthetic.SERVICES[rng.integers(len(synthetic.SERVICES))],
                    owner=deal.owner,
                    stage=Deal.Stage.WON if done else Deal.Stage.NEGOTIATION,
                    opened_at=at,
                    closed_at=closes if done else None,
                    synthetic=True,
                )
            )
    return repeats
