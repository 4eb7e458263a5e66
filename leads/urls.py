"""Routes of the leads app (API paths under /api/, no trailing slash)."""

from django.urls import path

from leads.api import LeadDetailApi, LeadsApi, NextFieldsApi
from leads.views import continue_link

urlpatterns: list = [
    path("api/leads", LeadsApi.as_view(), name="api-leads"),
    path("api/leads/next-fields", NextFieldsApi.as_view(), name="api-leads-next-fields"),
    path("api/leads/<uuid:lead_id>", LeadDetailApi.as_view(), name="api-lead-detail"),
    path("continue/<str:token>", continue_link, name="lead-continue"),
]
