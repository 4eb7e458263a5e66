"""Routes of the tools app (API paths under /api/, no trailing slash)."""

from django.urls import path

from tools import api, offers_api, views

urlpatterns: list = [
    path("api/tools/roi", api.RoiApi.as_view(), name="api-tools-roi"),
    path("api/tools/assessment", api.AssessmentApi.as_view(), name="api-tools-assessment"),
    path(
        "api/tools/results/<uuid:result_id>/email",
        api.ResultEmailApi.as_view(),
        name="api-tools-result-email",
    ),
    path("api/forms/extract", api.ExtractApi.as_view(), name="api-forms-extract"),
    path("api/offers/exit-intent", offers_api.ExitIntentApi.as_view(), name="api-exit-intent"),
    path(
        "api/offers/exit-intent/stats",
        offers_api.ExitStatsApi.as_view(),
        name="api-exit-intent-stats",
    ),
    path(
        "api/offers/exit-intent/<uuid:offer_id>/outcome",
        offers_api.ExitOutcomeApi.as_view(),
        name="api-exit-intent-outcome",
    ),
    path("tools/roi/", views.roi_page, name="tools-roi"),
    path("tools/assessment/", views.assessment_page, name="tools-assessment"),
    path("tools/assessment/radar.svg", views.radar_chart, name="tools-radar"),
]
