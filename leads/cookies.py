"""The ``em_vid`` visitor cookie, set in exactly one place so it can be gated on consent.
Its value is signed (``leads.identity``): a forged or unsigned value is ignored."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from leads.identity import VISITOR_COOKIE, visitor_cookie_value, visitor_id_from_request

COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def visitor_cookie_set(request: HttpRequest, response: HttpResponse, visitor_id) -> None:
    """Set (or refresh) the visitor cookie on ``response`` unless it already holds the id."""
    if str(visitor_id_from_request(request)) == str(visitor_id):
        return
    response.set_cookie(
        VISITOR_COOKIE,
        visitor_cookie_value(visitor_id),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SITE_HTTPS,
    )
