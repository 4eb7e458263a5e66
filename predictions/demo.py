"""Demo history (``load_demo --history``): a SYNTHETIC year of leads, their deals with
amounts, wins, losses and repeat purchases, and their downloads, so that the forecast, the
learned score and the predictions have history to learn from on the first run.

Everything comes from ``predictions.demo_history.generate`` (generated, not real; see its
docstring for what each model can learn). Leads are written through ``leads.facade``
(addresses on the reserved ``synthetic.example`` domain, data-processing consent only,
``leads.facade.synthetic_leads_q`` tells them apart); deals carry ``synthetic=True``.
Running it again replaces them all. Plain ``load_demo`` adds nothing here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from tqdm import tqdm

from predictions import demo_history
from predictions.models import Deal

LEADS = 6000


def load(log: Callable[[str], None]) -> None:
    return None


def has_history() -> bool:
    """Whether synthetic history is loaded (``load_demo --history-if-missing`` reads it)."""
    return Deal.objects.filter(synthetic=True).exists()


def load_history(log: Callable[[str], None], *, seed: int = 18, leads: int = LEADS) -> int:
    """Replace the synthetic history; returns the number of synthetic deals."""
    from analytics.facade import interactions_seed
    from leads.facade import SyntheticLead, synthetic_leads_replace

    now = timezone.now()
    owners = list(get_user_model().objects.filter(groups__name="Sales").order_by("pk")[:5])
    rows = demo_history.generate(leads=leads, now=now, seed=seed)
    Deal.objects.filter(synthetic=True).delete()
    specs = [
        SyntheticLead(
            local=f"lead{r.key}", fields=r.fields, visitor_seen=r.created_at - dt.timedelta(days=1)
        )
        for r in rows
    ]
    visitors = synthetic_leads_replace(leads=specs)
    deals, downloads = [], []
    for i, (r, spec) in enumerate(
        tqdm(zip(rows, specs, strict=True), total=len(rows), desc="history", unit="lead",
             disable=None, leave=False)
    ):  # fmt: skip
        owner = owners[i % len(owners)] if owners else None
        for n, d in enumerate(r.deals):
            deals.append(
                Deal(
                    lead_id=spec.id,
                    name=f"Synthetic {'repeat' if d.repeat else 'deal'} {r.key}.{n + 1}",
                    amount=Decimal(str(d.amount)),
                    source=r.attrs["source"],
                    service=d.service,
                    owner=owner,
                    stage=d.stage,
                    opened_at=d.opened_at,
                    closed_at=d.closed_at,
                    synthetic=True,
                )
            )
        downloads += [
            dict(
                type="resource_download",
                category="conversion",
                visitor_id=visitors[spec.id],
                lead_id=spec.id,
                session_id=f"synthetic-{r.key}",
                properties={"synthetic": True},
                occurred_at=at,
            )
            for at in r.downloads
        ]
    Deal.objects.bulk_create(deals, batch_size=1000)
    interactions_seed(rows=downloads)
    won = sum(1 for d in deals if d.stage == Deal.Stage.WON)
    lost = sum(1 for d in deals if d.stage == Deal.Stage.LOST)
    open_ = sum(1 for d in deals if d.closed_at is None)
    repeats = sum(1 for r in rows for d in r.deals if d.repeat)
    log(
        f"predictions: SYNTHETIC history over {demo_history.DAYS} days: {len(rows)} leads, "
        f"{len(deals)} deals ({won} won, {lost} lost, {open_} open; {repeats} repeat "
        f"purchases), {len(downloads)} downloads"
    )
    return len(deals)
