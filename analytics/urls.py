"""Routes of the analytics app (API paths under /api/, no trailing slash)."""

from django.urls import path

from analytics.api import TrackApi

urlpatterns: list = [
    path("api/track", TrackApi.as_view(), name="api-track"),
]
