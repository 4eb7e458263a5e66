"""Webhook endpoints of the integrations."""

from django.urls import path

from integrations import views

app_name = "integrations"
urlpatterns = [
    path("integrations/hubspot/webhook", views.hubspot_webhook, name="hubspot-webhook"),
]
