"""Routes of the scoring app (API paths under /api/, no trailing slash)."""

from django.urls import path

from scoring.api import LeadScoreApi

urlpatterns: list = [
    path("api/leads/<uuid:lead_id>/score", LeadScoreApi.as_view(), name="api-lead-score"),
]
