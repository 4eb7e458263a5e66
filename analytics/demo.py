"""Demo analytics: the demo leads' interactions are created by ``leads.demo``; this adds a
few anonymous visitors' page views (idempotent: only when there are none), made with a
``core.context.RequestContext`` built without any request (``load_demo`` is a command)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from analytics.context import interaction_context
from analytics.models import Interaction
from core.context import RequestContext
from leads.facade import visitor_touch

DEMO_PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def load(log) -> None:
    if Interaction.objects.filter(lead__isnull=True, session_id__startswith="demo-anon").exists():
        log("analytics: anonymous demo traffic already present")
        return
    now = timezone.now()
    rows = []
    # Outside any request: the context says what a request would have (the phone's browser),
    # so the visitor rows and their page views carry the same device, browser and OS.
    ctx = RequestContext(user_agent=DEMO_PHONE_UA)
    context = interaction_context(ctx)
    for n in range(3):
        visitor = visitor_touch(visitor_id=None, utm_source="google", landing_page="/", ctx=ctx)
        for i, path in enumerate(["/", "/blog/", "/services/"]):
            rows.append(
                Interaction(
                    type="page_view",
                    category="page_view",
                    visitor=visitor,
                    session_id=f"demo-anon-{n}",
                    properties={"path": path, "duration": 20},
                    context=context,
                    occurred_at=now - dt.timedelta(hours=n, minutes=10 - i),
                )
            )
    Interaction.objects.bulk_create(rows)
    log(f"analytics: {len(rows)} anonymous demo page views")
