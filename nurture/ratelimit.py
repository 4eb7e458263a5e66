"""Per-client rate limits for the public nurture and tools endpoints (django-ratelimit)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from core.errors import ratelimited
from core.net import ratelimit_key


def limited(request: HttpRequest, *, group: str, rate: str) -> HttpResponse | None:
    """Count the request; a 429 response with ``Retry-After`` when over ``rate``, else None."""
    usage = get_usage(
        request, group=group, key=ratelimit_key, rate=rate, method=request.method, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    request.ratelimit_retry_after = max(1, int(usage["time_left"]))
    return ratelimited(request)
