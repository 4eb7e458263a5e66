"""Views of the live sales dashboard (``/dashboard/``): staff with the
``analytics.view_sales_dashboard`` permission (Sales, superusers); Marketers get 403 and
anonymous users are sent to the login page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from analytics.dashboard import DateRange, charts, dashboard_data
from analytics.facade import DASHBOARD_PERMISSION as DASHBOARD_PERM


def can_view_dashboard(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(DASHBOARD_PERM)
    )


def panels_context(rng: DateRange) -> dict[str, Any]:
    data = dashboard_data(rng=rng)
    return {**data, "charts": charts(data)}


def render_panels(rng: DateRange) -> str:
    """The dashboard's panels as HTML (also sent over the WebSocket on refresh)."""
    return render_to_string("analytics/dashboard_panels.html", panels_context(rng))


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can_view_dashboard(request.user):
        raise PermissionDenied("The sales dashboard is for Sales staff.")
    rng = DateRange.parse(request.GET.get("from"), request.GET.get("to"))
    context = panels_context(rng)
    return render(request, "analytics/dashboard.html", context)


@require_GET
@login_required
def dashboard_panels(request: HttpRequest) -> HttpResponse:
    """The panels alone (HTML fragment): the fallback refresh when the socket is down."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied("The sales dashboard is for Sales staff.")
    rng = DateRange.parse(request.GET.get("from"), request.GET.get("to"))
    return HttpResponse(render_panels(rng))
