"""Every throttled response in the project is a 429 in the error shape with Retry-After
(seconds), whichever limiter the endpoint uses."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from tests.factories import with_analytics_consent, with_rates

pytestmark = pytest.mark.django_db

LEAD = {"email": "x@example.com", "consent": True}
# (method, path, body, at most this many requests before the limit must bite)
THROTTLED = [
    ("post", "/api/leads", {"email": "not-an-email"}, 5),
    ("post", "/api/track", {"type": "page_view", "properties": {"url": "/"}}, 5),
    ("get", "/api/search?q=ai", None, 61),
    ("post", "/api/content/{resource}/download", {}, 11),
    ("post", "/api/chat/qualify", {}, 31),
    ("post", "/api/chat/rag", {}, 31),
    ("post", "/api/events/{event}/register", {}, 21),
    ("post", "/api/newsletter/subscribe", {}, 21),
    ("post", "/api/tools/roi", {}, 61),
    ("post", "/api/forms/extract", {}, 31),
    ("get", "/api/offers/exit-intent", None, 31),
    ("post", "/api/privacy/requests", {}, 6),
]


@pytest.mark.parametrize(("method", "path", "body", "limit"), THROTTLED)
@override_settings(
    RATE_LIMITS=with_rates({"lead-capture": "3/m", "track": "3/m", "privacy-requests": "5/h"})
)
def test_throttled_requests_get_429_with_retry_after(
    api_client, event, gated_resource, method, path, body, limit
):
    with_analytics_consent(api_client)
    url = path.format(event=event.uuid, resource=gated_resource.slug)
    # The limiter counts in fixed windows: on a loaded machine the 31 or 61 requests could
    # straddle a minute boundary and start a fresh window. A frozen clock keeps them in one.
    start = dt.datetime.now(dt.UTC).replace(second=1, microsecond=0) + dt.timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        statuses, resp = _send_until_refused(api_client, method, url, body, limit)
    assert resp.status_code == 429, statuses
    assert int(resp["Retry-After"]) > 0
    payload = resp.json()
    assert set(payload) == {"error", "details"}


def _send_until_refused(client, method: str, url: str, body, limit: int):
    """Send up to ``limit + 1`` requests, stopping at the first that is not an answer."""
    statuses: list[int] = []
    for _ in range(limit + 1):
        resp = (
            getattr(client, method)(url, body, format="json")
            if body is not None
            else getattr(client, method)(url)
        )
        statuses.append(resp.status_code)
        if resp.status_code not in (200, 201, 202, 204, 400, 404):
            break
    return statuses, resp
