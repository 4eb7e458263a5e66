"""One JSON error shape for every API failure: ``{"error": "...", "details": {...}}``.

Covers DRF exceptions (400/401/403/404/405/415/429), Django's own 404/500 on ``/api/``
paths, and bodies over ``API_MAX_BODY_BYTES`` (413, refused before anything is parsed).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.common import CommonMiddleware
from django.shortcuts import render
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_BUSY_RETRY_AFTER = 5  # seconds


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == "/api"


def error_response(
    message: str,
    *,
    status_code: int,
    details: dict[str, Any] | None = None,
    headers: dict | None = None,
) -> JsonResponse:
    response = JsonResponse({"error": message, "details": details or {}}, status=status_code)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _as_field_messages(detail: Any) -> dict[str, Any]:
    """DRF's nested ``detail`` as ``{field: [messages]}`` (lists of strings, nested dicts kept)."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def _flatten(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _flatten(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [str(v) for v in value]
        return [_flatten(v) for v in value]
    return [str(value)]


_SUMMARIES = {
    status.HTTP_400_BAD_REQUEST: "Invalid input.",
    status.HTTP_401_UNAUTHORIZED: "Authentication credentials were not provided.",
    status.HTTP_403_FORBIDDEN: "You do not have permission to perform this action.",
    status.HTTP_404_NOT_FOUND: "Not found.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Method not allowed.",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "Request body too large.",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "Unsupported media type.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests.",
}


def exception_handler(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's ``EXCEPTION_HANDLER``: reshape every error into the contract's envelope."""
    if isinstance(exc, RequestDataTooBig):
        return error_response("Request body too large.", status_code=413)
    if isinstance(exc, DatabaseOperationalError):
        # The database is unreachable or every pooled connection is busy (overload): a
        # retryable 503, logged, never a 500 with nothing said about when to come back.
        logger.error("database unavailable: %s", exc)
        return error_response(
            "The service is busy; try again shortly.",
            status_code=503,
            headers={"Retry-After": str(DATABASE_BUSY_RETRY_AFTER)},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError):
        details = _as_field_messages(detail)
        message = _SUMMARIES[400]
        if isinstance(detail, dict) and "error" in detail and len(detail) == 1:
            message = str(_flatten(detail["error"])[0])
            details = {}
    else:
        details = {}
        message = (
            str(detail) if detail is not None else _SUMMARIES.get(response.status_code, "Error.")
        )
    response.data = {"error": message, "details": details}
    return response


class ApiBodyLimitMiddleware:
    """Refuse API bodies over ``API_MAX_BODY_BYTES`` with 413 before a view reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            limit = settings.API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return error_response(
                    "Request body too large.",
                    status_code=413,
                    details={"body": [f"At most {limit} bytes are accepted."]},
                )
        return self.get_response(request)


class ApiNotFoundMiddleware:
    """Turn Django's HTML 404/405 for unknown ``/api/`` paths into the JSON shape.

    Sits before ``CommonMiddleware`` so an ``APPEND_SLASH`` redirect on an API path (the
    contract has no trailing slashes) becomes a 404 rather than a 301.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path) or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        if response.status_code in (404, 405):
            return error_response(
                _SUMMARIES[response.status_code], status_code=response.status_code
            )
        if response.status_code == 301 and response.get("Location", "").endswith(
            request.path + "/"
        ):
            return error_response(_SUMMARIES[404], status_code=404)
        return response


class ApiCommonMiddleware(CommonMiddleware):
    """Django's ``CommonMiddleware`` without ``APPEND_SLASH`` on ``/api/`` paths.

    The contract has no trailing slashes, and Wagtail's catch-all makes almost any path
    "valid with a slash": Django would redirect (or, with ``DEBUG`` on, raise
    ``RuntimeError`` for ``POST``/``PUT``/``PATCH``/``DELETE``). An unknown API path is a
    JSON 404 for every method instead.
    """

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        if is_api_path(request.path_info):
            return False
        return super().should_redirect_with_slash(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: JSON on API paths, Django's page elsewhere."""
    if is_api_path(request.path):
        return error_response(
            "CSRF verification failed.", status_code=403, details={"csrf": [reason]}
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return error_response("Not found.", status_code=404)
    return render(request, "404.html", status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return error_response("Internal server error.", status_code=500)
    return render(request, "500.html", status=500)


def too_many_requests(retry_after: int) -> HttpResponse:
    """The contract's 429: ``Retry-After`` header and ``details.retry_after``."""
    return error_response(
        "Too many requests.",
        status_code=429,
        details={"retry_after": [str(retry_after)]},
        headers={"Retry-After": str(retry_after)},
    )


__all__ = [
    "ApiBodyLimitMiddleware",
    "ApiNotFoundMiddleware",
    "Http404",
    "PermissionDenied",
    "error_response",
    "exception_handler",
    "too_many_requests",
]
