"""Routes of the mail app: the tracking links in sent emails (public paths kept from nurture)."""

from django.urls import path

from mail import views

urlpatterns: list = [
    path("e/o/<uuid:token>.gif", views.email_open_pixel, name="email-open"),
    path("e/c/<uuid:token>", views.email_click, name="email-click"),
]
