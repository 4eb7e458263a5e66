"""The forecast dashboard: 30 and 90 days of expected won revenue with an 80% interval, by
stage, source and owner, over the deals ``load_demo --history`` generates (synthetic)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from predictions import demo
from predictions.models import Deal
from predictions.selectors import forecast_dashboard

SMALL = 1500  # synthetic leads (the demo loads more; the forecast needs no more)


@pytest.fixture
def history(db, sales_user):
    n = demo.load_history(lambda _msg: None, leads=SMALL)
    return n


def test_history_is_a_plausible_synthetic_year(history, sales_user):
    assert history > 300
    deals = Deal.objects.all()
    assert deals.filter(synthetic=False).count() == 0
    assert deals.filter(stage="won").exists() and deals.filter(stage="lost").exists()
    open_ = deals.filter(closed_at__isnull=True)
    assert open_.exists() and set(open_.values_list("stage", flat=True)) <= {
        "discovery",
        "proposal",
        "negotiation",
    }
    assert set(deals.values_list("owner", flat=True)) == {sales_user.pk}
    # Running it again replaces the synthetic rows (idempotent).
    assert demo.load_history(lambda _msg: None, leads=SMALL) == history
    assert Deal.objects.count() == history


def test_forecast_figures_by_stage_source_and_owner(history, sales_user):
    data = forecast_dashboard(draws=500)
    assert data["enough"]
    f30, f90 = data["forecasts"]
    assert (f30.horizon, f90.horizon) == (30, 90)
    for f in (f30, f90):
        assert f.low <= f.expected <= f.high and f.low < f.high
        assert f.n_open > 0 and f.open_pipeline > 0
        assert set(f.by_owner) == {sales_user.get_username()}
        assert set(f.by_stage) <= {"Discovery", "Proposal", "Negotiation"}
        assert f.by_source
    assert f90.expected > f30.expected


def test_sales_see_the_dashboard_marketers_do_not(client, history, sales_user, marketer):
    client.force_login(sales_user)
    page = client.get(reverse("forecast-dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Next 30 days" in html and "Next 90 days" in html and "80% interval" in html
    assert "Open pipeline by owner" in html
    client.force_login(marketer)
    assert client.get(reverse("forecast-dashboard")).status_code == 403


def test_history_has_synthetic_customers_with_repeat_purchases(history):
    """Customer activity for churn and CLV: early wins became (synthetic) customer leads, and
    some of them bought again after their first win, others did not."""
    from leads.models import Lead

    customers = Lead.objects.filter(email__endswith="@synthetic.example", stage="customer")
    assert customers.count() >= 30
    deals_per = {
        lead.pk: list(Deal.objects.filter(lead=lead).order_by("opened_at")) for lead in customers
    }
    repeat = [ds for ds in deals_per.values() if len(ds) > 1]
    assert repeat and len(repeat) < len(deals_per)  # some come back, some go quiet
    for ds in repeat:
        first_win = ds[0]
        assert first_win.stage == "won" and all(d.synthetic for d in ds)
        assert all(d.opened_at > first_win.closed_at for d in ds[1:])
    # Running it again keeps one lead per synthetic customer.
    demo.load_history(lambda _msg: None, leads=SMALL)
    assert Lead.objects.filter(
        email__endswith="@synthetic.example", stage="customer"
    ).count() == len(deals_per)
