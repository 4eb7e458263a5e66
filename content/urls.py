"""Routes of the content app (API paths under /api/, no trailing slash)."""

from django.urls import include, path, re_path
from wagtail.documents import urls as wagtaildocs_urls

from content import api, views

urlpatterns = [
    path("api/content", api.ContentListApi.as_view(), name="content-list"),
    path(
        "api/content/recommendations",
        api.RecommendationsApi.as_view(),
        name="content-recommendations",
    ),
    path("api/content/<slug:slug>", api.ContentDetailApi.as_view(), name="content-detail"),
    path(
        "api/content/<slug:slug>/download", api.DownloadApi.as_view(), name="content-download-api"
    ),
    path("api/search", api.SearchApi.as_view(), name="content-search-api"),
    path("search/", views.search_page, name="search"),
    re_path(r"^resources/download/(?P<token>[\w:.\-]+)/$", views.download, name="content-download"),
    # Wagtail's document route (used by the admin and rich-text links); documents attached
    # to a resource are refused here (see wagtail_hooks.before_serve_document).
    path("documents/", include(wagtaildocs_urls)),
]
