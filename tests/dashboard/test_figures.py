"""Issue 16, acceptance 6: each dashboard card against its one definition, on a known set
of leads, chats and conversions (anonymous, erased and out-of-range rows included so that
a card counting the wrong set fails), and each card carries its definition as a tooltip."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _lead(stage: str, **extra):
    from leads.models import Lead

    email = f"{uuid.uuid4().hex[:10]}@figures.test"
    return Lead.objects.create(email=email, email_normalized=email, stage=stage, **extra)


def _kpis(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="(\w+)">([^<]*)<', html))


def test_each_card_matches_its_definition(client, sales_user):
    from chat.models import Conversation, DemoBooking
    from leads.models import Lead

    now = timezone.now()
    long_ago = now - dt.timedelta(days=90)
    in_range = [
        _lead("identified"),
        _lead("identified"),
        _lead("qualified"),
        _lead("qualified"),
        _lead("qualified", outcome="won"),
        _lead("opportunity"),
        _lead("customer"),
    ]
    _lead("anonymous")  # a visitor record, not a lead anyone captured
    _lead("customer", erased_at=now)  # erased: gone from every figure
    old = _lead("customer")
    Lead.objects.filter(pk=old.pk).update(created_at=long_ago)

    chats = [Conversation.objects.create(lead=in_range[i]) for i in range(2)]
    chats.append(Conversation.objects.create())  # an anonymous visitor's chat counts too
    stale = Conversation.objects.create(lead=old)
    Conversation.objects.filter(pk=stale.pk).update(started_at=long_ago)

    def booking(status: str, n: int) -> DemoBooking:
        start = now + dt.timedelta(days=2, hours=n)
        return DemoBooking.objects.create(
            lead=in_range[n],
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=30),
            slot_key=f"slot-{n}",
            status=status,
            idempotency_key=f"figures-{n}",
        )

    booking("confirmed", 0)
    booking("confirmed", 1)
    booking("cancelled", 2)
    old_booking = booking("confirmed", 3)
    DemoBooking.objects.filter(pk=old_booking.pk).update(created_at=long_ago)

    client.force_login(sales_user)
    html = client.get("/dashboard/").content.decode()
    kpis = _kpis(html)
    leads, won = 7, 2  # in range, not anonymous, not erased; won = outcome won or customer
    assert kpis["total"] == str(leads)
    assert kpis["qualified"] == "5"  # qualified, opportunity or customer stage (of the 7)
    assert kpis["won"] == str(won)
    assert kpis["conversion"] == f"{round(100 * won / leads, 1)}%"
    assert kpis["active_chats"] == "3"  # started in the range
    assert kpis["demos_booked"] == "2"  # confirmed, created in the range

    # Consistent with each other: won ≤ qualified ≤ leads, and every card explains itself.
    assert int(kpis["won"]) <= int(kpis["qualified"]) <= int(kpis["total"])
    cards = re.findall(r'<div class="dash-card kpi" title="([^"]+)">', html)
    assert len(cards) == 6 and all(len(t) > 20 for t in cards)
    assert "Leads captured" not in html  # no second, differently counted "leads" figure
