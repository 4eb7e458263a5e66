"""Routes of the live sales dashboard (staff)."""

from django.urls import path

from analytics import dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard, name="sales-dashboard"),
    path("dashboard/panels", dashboard_views.dashboard_panels, name="sales-dashboard-panels"),
]
