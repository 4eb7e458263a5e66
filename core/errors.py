"""One error type and one JSON error shape for every API failure:
``{"error": "...", "details": {...}}``.

Services raise :class:`ApplicationError` (a message for the person, ``details`` as
``{field: [messages]}``, and a ``code`` from a small vocabulary); they never name an HTTP
status. The edge renders it: DRF's ``EXCEPTION_HANDLER`` (:func:`exception_handler`) for API
views and :class:`ApplicationErrorMiddleware` for plain Django views on ``/api/`` paths, with
the status that the code maps to in ``STATUS_BY_CODE``. A Django ``ValidationError`` escaping
a service is rendered as a 400 the same way.

Also covers DRF exceptions (400/401/403/404/405/415/429), Django's own 404/500 on ``/api/``
paths, and bodies over ``API_MAX_BODY_BYTES`` (413, refused before anything is parsed).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.common import CommonMiddleware
from django.shortcuts import render
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_BUSY_RETRY_AFTER = 5  # seconds


class ApplicationError(Exception):
    """A refusal a service raises: ``message`` for the person, ``details`` as
    ``{field: [messages]}``, ``code`` one of the ``ApplicationError.*`` codes below.

    App errors subclass it (``CaptureError``, ``RegistrationError``, ...) to be caught by
    name; ``retry_after`` (seconds) goes with ``RATE_LIMITED`` and ``UNAVAILABLE``.
    """

    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    GONE = "gone"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"

    default_message = "Invalid input."
    default_code = INVALID

    def __init__(
        self,
        message: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        code: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        code = code or self.default_code
        if code not in STATUS_BY_CODE:
            raise ValueError(f"unknown ApplicationError code {code!r}")
        self.message = message or self.default_message
        self.details = dict(details or {})
        self.code = code
        self.retry_after = retry_after
        super().__init__(self.message)


# The only place a code becomes an HTTP status.
STATUS_BY_CODE = {
    ApplicationError.INVALID: 400,
    ApplicationError.UNAUTHENTICATED: 401,
    ApplicationError.FORBIDDEN: 403,
    ApplicationError.NOT_FOUND: 404,
    ApplicationError.CONFLICT: 409,
    ApplicationError.GONE: 410,
    ApplicationError.RATE_LIMITED: 429,
    ApplicationError.UNAVAILABLE: 503,
}


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


def application_error_response(exc: ApplicationError) -> JsonResponse:
    """The contract's response for an :class:`ApplicationError`."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    details = {str(k): _flatten(v) for k, v in exc.details.items()}
    if exc.retry_after and exc.code == ApplicationError.RATE_LIMITED:
        details.setdefault("retry_after", [str(exc.retry_after)])
    return error_response(
        exc.message, status_code=STATUS_BY_CODE[exc.code], details=details, headers=headers
    )


def validation_error_details(exc: DjangoValidationError) -> dict[str, Any]:
    """A Django ``ValidationError`` as ``{field: [messages]}``."""
    if hasattr(exc, "error_dict"):
        return {str(k): [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's ``EXCEPTION_HANDLER``: reshape every error into the contract's envelope."""
    if isinstance(exc, ApplicationError | DjangoValidationError):
        set_rollback()  # as DRF does for its own exceptions (ATOMIC_REQUESTS)
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        return error_response(
            _SUMMARIES[400], status_code=400, details=validation_error_details(exc)
        )
    if isinstance(exc, RequestDataTooBig):
        return error_response("Request body too large.", status_code=413)
    if isinstance(exc, DatabaseOperationalError):
        # The database is unreachable or every pooled connection is busy (overload): a
        # retryable 503, logged, never a 500 with nothing said about when to come back.
        logger.error("database unavailable: %s", exc)
        return application_error_response(
            ApplicationError(
                "The service is busy; try again shortly.",
                code=ApplicationError.UNAVAILABLE,
                retry_after=DATABASE_BUSY_RETRY_AFTER,
            )
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
    # DRF's own headers (WWW-Authenticate on 401, Retry-After when throttled) are kept.
    kept = ("WWW-Authenticate", "Retry-After")
    headers = {k: response[k] for k in kept if response.has_header(k)}
    return error_response(
        message, status_code=response.status_code, details=details, headers=headers
    )


class ApplicationErrorMiddleware:
    """Render an :class:`ApplicationError` that a plain Django view let escape (an API
    path without DRF, a webhook) in the contract's shape; DRF views go through
    :func:`exception_handler`. Pages catch the errors they show in their forms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return application_error_response(exception)
        return None


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
    return application_error_response(
        ApplicationError(
            "Too many requests.", code=ApplicationError.RATE_LIMITED, retry_after=retry_after
        )
    )


__all__ = [
    "STATUS_BY_CODE",
    "ApiBodyLimitMiddleware",
    "ApplicationError",
    "ApplicationErrorMiddleware",
    "ApiNotFoundMiddleware",
    "Http404",
    "PermissionDenied",
    "error_response",
    "exception_handler",
    "too_many_requests",
]
