"""The tracking gate as middleware: no visitor cookie and no stored interaction without consent.

Whatever a view does, a response to a request without analytics consent (or with Global
Privacy Control / Do-Not-Track) never sets ``em_vid`` and expires one the browser still
has; ``POST /api/track`` is answered 202 with ``{"stored": 0}`` before the tracking view
runs, so nothing is stored. ``request.analytics_allowed`` tells views the outcome.
``NoStoreMiddleware`` keeps staff and personal responses out of every cache.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from privacy.selectors import VISITOR_COOKIE, analytics_allowed

TRACK_PATHS = frozenset({"/api/track"})


class TrackingConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = analytics_allowed(request)
        request.analytics_allowed = allowed
        if not allowed and request.path in TRACK_PATHS and request.method == "POST":
            response: HttpResponse = JsonResponse(
                {"stored": 0, "reason": "no analytics consent"}, status=202
            )
        else:
            response = self.get_response(request)
        if not allowed:
            if VISITOR_COOKIE in response.cookies:
                del response.cookies[VISITOR_COOKIE]
            if VISITOR_COOKIE in request.COOKIES:
                response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
        return response


# Staff screens and APIs, personal-data pages and every JSON API: never kept by a browser
# or a shared cache. A response that declared itself ``public`` keeps its own policy.
NO_STORE_PREFIXES = ("/api/", "/privacy/", "/admin/", "/cms/", "/dashboard/", "/accounts/")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on staff and personal responses: signed-in users, the
    API and privacy paths, and any response that sets a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        declared = response.get("Cache-Control", "")
        if "public" in declared or "no-store" in declared:
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(NO_STORE_PREFIXES) or response.cookies:
            patch_cache_control(response, no_store=True, private=True)
        return response
