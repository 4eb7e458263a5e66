"""The ``em_vid`` visitor cookie, set in exactly one place so it can be gated on consent."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from leads.selectors import VISITOR_COOKIE

COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def visitor_cookie_set(request: HttpRequest, response: HttpResponse, visitor_id) -> None:
    """Set (or refresh) the visitor cookie on ``response`` unless it already holds the id."""
    value = str(visitor_id)
    if request.COOKIES.get(VISITOR_COOKIE) == value:
        return
    response.set_cookie(
        VISITOR_COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SITE_HTTPS,
    )
