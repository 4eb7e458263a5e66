"""The forecast dashboard (``/dashboard/forecast/``) for sales managers: the same
permission as the sales dashboard (``analytics.view_sales_dashboard``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from analytics.facade import can_view_dashboard
from predictions.selectors import forecast_dashboard


@require_GET
@login_required
def forecast_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_dashboard(user):
        raise PermissionDenied("The forecast is for Sales staff.")
    return render(request, "predictions/forecast.html", forecast_dashboard())
