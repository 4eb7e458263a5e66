"""Routes of the nurture app (API paths under /api/, no trailing slash)."""

from django.urls import path

from nurture import api, views

urlpatterns: list = [
    path("api/newsletter/lists", api.NewsletterListsApi.as_view(), name="api-newsletter-lists"),
    path(
        "api/newsletter/subscribe",
        api.NewsletterSubscribeApi.as_view(),
        name="api-newsletter-subscribe",
    ),
    path(
        "api/newsletter/unsubscribe/<str:token>",
        api.UnsubscribeView.as_view(),
        name="newsletter-unsubscribe",
    ),
    path("newsletter/", views.newsletter_signup, name="newsletter-signup"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path(
        "newsletter/preferences/<str:token>/",
        views.newsletter_preferences,
        name="newsletter-preferences",
    ),
]
