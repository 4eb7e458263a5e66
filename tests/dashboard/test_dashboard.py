"""Acceptance 5: the sales dashboard renders for Sales (charts, figures, date range), is 403
for Marketers and sends anonymous users to the login page; metrics are shown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from analytics.dashboard import DateRange, lead_metrics
from analytics.facade import metric_ai_satisfaction, metric_conversion, metric_lead_captured
from scoring.services import lead_rescore
from tests.scoring.conftest import HOT_PROFILE, engaged_events, make_lead

pytestmark = pytest.mark.django_db


def test_anonymous_is_redirected_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


def test_marketer_gets_403(client, marketer):
    client.force_login(marketer)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/panels").status_code == 403


def _two_leads():
    hot = make_lead(
        "amina@acme.test",
        profile=HOT_PROFILE,
        events=engaged_events(timezone.now()),
        buying_stage="decision",
    )
    return hot, make_lead("cold@x.test")


def test_sales_sees_the_dashboard(client, sales_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the leads app's stage checks
        hot, cold = _two_leads()
        lead_rescore(lead_id=hot.pk)
        lead_rescore(lead_id=cold.pk)
    metric_lead_captured(lead=hot, source="contact")
    metric_conversion(lead=hot, conversion_type="demo_request", value=1500, funnel_stage="sql")
    metric_ai_satisfaction(conversation_id="c-1", satisfaction=4)
    metric_ai_satisfaction(conversation_id="c-2", satisfaction=5)

    client.force_login(sales_user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Lead funnel" in html and "Score distribution" in html
    assert 'data-kpi="total">2<' in html
    assert "Amina Hot" in html  # live feed of new and hot leads
    assert 'data-metric="ai_satisfaction">4.5 / 5 (2 ratings)' in html
    assert "/static/js/dashboard.js" in html and "<script>" not in html  # CSP: no inline JS
    # Fragment used by the live refresh.
    panels = client.get("/dashboard/panels").content.decode()
    assert "Leads by grade" in panels


def test_date_range_filters_leads(client, sales_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(timezone.now() - dt.timedelta(days=90), tick=False):
            make_lead("old@x.test")
        make_lead("new@x.test")
    today = timezone.localdate()
    recent = lead_metrics(rng=DateRange.parse(None, None))
    assert recent["total"] == 1
    wide = lead_metrics(
        rng=DateRange.parse((today - dt.timedelta(days=120)).isoformat(), today.isoformat())
    )
    assert wide["total"] == 2
    client.force_login(sales_user)
    html = client.get(
        "/dashboard/",
        {"from": (today - dt.timedelta(days=120)).isoformat(), "to": today.isoformat()},
    ).content.decode()
    assert 'data-kpi="total">2<' in html


def test_chat_figures_or_not_enabled(client, sales_user):
    from analytics.dashboard import chat_metrics

    data = chat_metrics(rng=DateRange.parse(None, None))
    client.force_login(sales_user)
    html = client.get("/dashboard/").content.decode()
    if data["enabled"]:
        assert 'data-kpi="active_chats">0<' in html
    else:
        assert "chat not enabled" in html


def test_metric_validation():
    with pytest.raises(ValueError):
        metric_ai_satisfaction(conversation_id="c", satisfaction=9)


def test_the_dashboard_permission_is_analytics(sales_user, marketer):
    from analytics.facade import DASHBOARD_PERMISSION, can_view_dashboard

    assert DASHBOARD_PERMISSION == "analytics.view_sales_dashboard"
    assert sales_user.has_perm(DASHBOARD_PERMISSION) and can_view_dashboard(sales_user)
    assert not can_view_dashboard(marketer)
