from django.urls import path

from predictions import views

urlpatterns: list = [
    path("dashboard/forecast/", views.forecast_view, name="forecast-dashboard"),
]
