"""Per-client rate limiting for public endpoints (django-ratelimit on the shared cache).

Keyed by ``core.net.ratelimit_key``: the socket address, or the address a configured
proxy reports — a forged ``X-Forwarded-For`` never gives a client a fresh bucket.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from core.errors import ratelimited
from core.net import ratelimit_key


def rate_limit(request: HttpRequest, *, group: str, setting: str) -> HttpResponse | None:
    """Count this request; the 429 response (with ``Retry-After``) if it is over the rate
    named by ``setting``, else ``None``."""
    rate = getattr(settings, setting)
    usage = get_usage(
        request, group=group, key=ratelimit_key, rate=rate, method=request.method, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    request.ratelimit_retry_after = max(1, int(usage["time_left"]))
    return ratelimited(request)
