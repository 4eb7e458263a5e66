"""The tracking gate as middleware: no visitor cookie and no stored interaction without consent.

Whatever a view does, a response to a request without analytics consent (or with Global
Privacy Control / Do-Not-Track) never sets ``em_vid`` and expires one the browser still
has; ``POST /api/track`` is answered 202 with ``{"stored": 0}`` before the tracking view
runs, so nothing is stored. ``request.analytics_allowed`` tells views the outcome.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

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
