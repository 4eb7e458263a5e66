"""Routes of the events app (API paths under /api/, no trailing slash)."""

from django.urls import path

from events.api import EventListCreateApi, EventRegisterApi
from events.views import registration_cancel_view

app_name = "events"

urlpatterns = [
    path("api/events", EventListCreateApi.as_view(), name="api-events"),
    path("api/events/<str:event_id>/register", EventRegisterApi.as_view(), name="api-register"),
    path(
        "event-registrations/cancel/<str:token>/",
        registration_cancel_view,
        name="registration-cancel",
    ),
]
