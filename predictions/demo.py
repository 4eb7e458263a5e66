"""Demo history (``load_demo --history``): a SYNTHETIC year of deals for the forecast.

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
    Deal.objects.bulk_create(rows, batch_size=1000)
    won = sum(1 for r in rows if r.stage == Deal.Stage.WON)
    open_ = sum(1 for r in rows if r.closed_at is None)
    log(f"predictions: {len(rows)} synthetic deals over {DAYS} days ({won} won, {open_} open)")
    return len(rows)
