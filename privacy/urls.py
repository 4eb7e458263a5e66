"""Routes of the privacy app (API paths under /api/, no trailing slash)."""

from django.urls import path

from privacy import api, views

urlpatterns = [
    path("api/privacy/consent", api.ConsentApi.as_view(), name="privacy-consent-api"),
    path("api/privacy/requests", api.DataRequestsApi.as_view(), name="privacy-requests-api"),
    path("api/leads/<uuid:lead_id>/export", api.LeadExportApi.as_view(), name="lead-export"),
    path("api/leads/<uuid:lead_id>/delete", api.LeadEraseApi.as_view(), name="lead-erase"),
    path("privacy/consent", views.consent_form, name="privacy-consent"),
    path("privacy/request/", views.request_form, name="privacy-request"),
    path(
        "privacy/requests/<uuid:request_id>/<str:token>",
        views.request_link,
        name="privacy-request-link",
    ),
]
