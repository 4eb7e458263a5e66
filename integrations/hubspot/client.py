"""The official ``hubspot-api-client`` SDK, configured from settings, and its failures sorted
into *unavailable* (429, 5xx, connection refused or timed out: try again later, nothing is
lost) and *refused* (any other 4xx: the payload is wrong, retrying will not help)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from hubspot import HubSpot
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

T = TypeVar("T")

TRANSIENT_STATUSES = (429, 500, 502, 503, 504)


class HubSpotUnavailable(Exception):
    """HubSpot could not be reached or asked us to slow down; retry later."""


class HubSpotRefused(Exception):
    """HubSpot refused the request (4xx other than 429)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HubSpot refused the request ({status}): {body[:300]}")
        self.status = status


def enabled() -> bool:
    return bool(settings.HUBSPOT_ACCESS_TOKEN)


@lru_cache(maxsize=4)
def _client(token: str, host: str | None, retries: int, backoff: float, timeout: float) -> HubSpot:
    # 429 and 5xx are retried inside the SDK's urllib3 pool with exponential backoff,
    # honouring Retry-After; every call we make is idempotent (upserts keyed by our id,
    # archives and GDPR deletes by HubSpot id), so POSTs are retried too.
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=TRANSIENT_STATUSES,
        allowed_methods=None,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    kwargs: dict[str, Any] = {"access_token": token, "retry": retry}
    if host:
        kwargs["host"] = host.rstrip("/")
    return HubSpot(**kwargs)


def client() -> HubSpot:
    return _client(
        settings.HUBSPOT_ACCESS_TOKEN,
        settings.HUBSPOT_BASE_URL,
        settings.HUBSPOT_MAX_RETRIES,
        settings.HUBSPOT_BACKOFF_SECONDS,
        settings.HUBSPOT_TIMEOUT,
    )


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one SDK call with our timeout; raise ``HubSpotUnavailable``/``HubSpotRefused``."""
    kwargs.setdefault("_request_timeout", settings.HUBSPOT_TIMEOUT)
    try:
        return fn(*args, **kwargs)
    except Urllib3Error as exc:  # refused, reset, timed out, retries exhausted
        raise HubSpotUnavailable(str(exc)[:300]) from exc
    except OSError as exc:
        raise HubSpotUnavailable(str(exc)[:300]) from exc
    except Exception as exc:
        status = getattr(exc, "status", None)
        if not isinstance(status, int):
            raise
        body = exc.body.decode() if isinstance(exc.body, bytes) else str(exc.body or "")
        if status in TRANSIENT_STATUSES or status == 0:  # 0: the SDK's TLS/protocol error
            raise HubSpotUnavailable(f"{status}: {body[:300]}") from exc
        raise HubSpotRefused(status, body) from exc
