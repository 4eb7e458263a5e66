"""Root URL configuration. Each app owns its routes in ``<app>/urls.py``; Wagtail's page
tree takes whatever is left, so it comes last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from core.health import health

admin.site.site_header = "EmenTech back office"
admin.site.site_title = "EmenTech back office"
admin.site.index_title = "Leads, conversations, events and privacy"
admin.site.site_url = "/dashboard/"

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("leads.urls")),
    path("", include("analytics.urls")),
    path("", include("content.urls")),
    path("", include("events.urls")),
    path("", include("chat.urls")),
    path("", include("privacy.urls")),
    path("", include("scoring.urls")),
    path("", include("mail.urls")),
    path("", include("nurture.urls")),
    path("", include("tools.urls")),
    path("", include("integrations.urls")),
    path("", include("analytics.dashboard_urls")),
    path("", include("predictions.urls")),
]

if settings.SERVE_MEDIA:
    # Rendered images (covers, photos) in the embedded mode; a web server or object
    # storage serves them in service mode. Documents are never public (signed links).
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(
            r"^media/images/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT / "images"},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"
