"""Fixtures of the predictions tests: a planted history of leads and deals."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from leads.models import Lead
from predictions.models import Deal

INDUSTRIES = ["fintech", "retail", "healthcare", "education"]


def _leads(n: int, *, seed: int = 0, **fixed) -> list[Lead]:
    rng = random.Random(seed)
    now = timezone.now()
    rows = []
    for i in range(n):
        email = f"p{seed}-{i}@example.com"
        rows.append(
            Lead(
                email=email,
                email_normalized=email,
                company=f"Company {seed}-{i}",
                industry=INDUSTRIES[i % len(INDUSTRIES)],
                source=rng.choice(["organic", "paid", "referral"]),
                visits=rng.randint(1, 12),
                page_views=rng.randint(1, 40),
                interests=rng.sample(["ai-strategy", "cloud-migration"], rng.randint(0, 2)),
                last_visit_at=now - dt.timedelta(days=rng.randint(0, 400)),
                stage="lead",
                **fixed,
            )
        )
    return Lead.objects.bulk_create(rows)


def _deal(lead, *, service, won, opened, closed=True):
    return Deal(
        lead=lead,
        amount=Decimal("1000"),
        service=service,
        source=lead.source,
        stage=(Deal.Stage.WON if won else Deal.Stage.LOST) if closed else Deal.Stage.PROPOSAL,
        opened_at=opened,
        closed_at=opened + dt.timedelta(days=20) if closed else None,
    )


@pytest.fixture
def planted_history(db):
    """Fintech and retail leads buy ai-strategy, the others do not (stated interest says
    nothing); won healthcare accounts go quiet after the win, the others come back."""
    now = timezone.now()
    leads = _leads(400)
    deals = []
    for i, lead in enumerate(leads[:320]):
        opened = now - dt.timedelta(days=600 - i)
        buys = lead.industry in ("fintech", "retail")
        deals.append(_deal(lead, service="ai-strategy", won=buys, opened=opened))
    Deal.objects.bulk_create(deals)
    # Churn: accounts won long ago; healthcare ones were never seen again.
    won_leads = _leads(240, seed=1)
    deals = []
    for i, lead in enumerate(won_leads):
        opened = now - dt.timedelta(days=700 - i * 2)
        deals.append(_deal(lead, service="data-platform", won=True, opened=opened))
        quiet = lead.industry == "healthcare"
        seen = opened + dt.timedelta(days=10 if quiet else 300)
        Lead.objects.filter(pk=lead.pk).update(last_visit_at=min(seen, now))
    # Recent wins: the accounts the churn list scores.
    recent = _leads(12, seed=2)
    for lead in recent:
        deals.append(
            _deal(lead, service="data-platform", won=True, opened=now - dt.timedelta(days=60))
        )
    Deal.objects.bulk_create(deals)
    return leads, recent
