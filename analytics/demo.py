"""Demo analytics: the demo leads' interactions are created by ``leads.demo``; this adds a
few anonymous visitors' page views (idempotent: only when there are none)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from analytics.models import Interaction
from leads.facade import visitor_touch


def load(log) -> None:
    if Interaction.objects.filter(lead__isnull=True, session_id__startswith="demo-anon").exists():
        log("analytics: anonymous demo traffic already present")
        return
    now = timezone.now()
    rows = []
    for n in range(3):
        visitor = visitor_touch(visitor_id=None, utm_source="google", landing_page="/")
        for i, path in enumerate(["/", "/blog/", "/services/"]):
            rows.append(
                Interaction(
                    type="page_view",
                    category="page_view",
                    visitor=visitor,
                    session_id=f"demo-anon-{n}",
                    properties={"path": path, "duration": 20},
                    context={"device": "mobile", "browser": "Chrome Mobile", "os": "Android"},
                    occurred_at=now - dt.timedelta(hours=n, minutes=10 - i),
                )
            )
    Interaction.objects.bulk_create(rows)
    log(f"analytics: {len(rows)} anonymous demo page views")
