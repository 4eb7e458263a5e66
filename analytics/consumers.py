"""WebSocket consumer of the live sales dashboard (``ws/dashboard``).

Sales staff join the ``sales`` group, superusers the ``admin`` group (one group each, so
every event reaches a socket once), and both the leads app's ``sales-feed`` group. Events
are forwarded as ``{"type": "event", "event", "data"}``; ``{"action": "refresh", "from",
"to"}`` answers ``{"type": "panels", "html"}`` with the re-rendered panels.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from analytics.dashboard import SALES_FEED_GROUP, DateRange
from analytics.dashboard_views import can_view_dashboard, render_panels
from core.permissions import is_sales

MIN_REFRESH_SECONDS = 2.0


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if not await database_sync_to_async(can_view_dashboard)(user):
            await self.close(code=4403)
            return
        self.joined = ["admin" if user.is_superuser else "sales"]
        # The sales feed names leads and carries chat hand-offs: the Sales role only.
        if await database_sync_to_async(is_sales)(user):
            self.joined.append(SALES_FEED_GROUP)
        self.last_refresh = 0.0
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("action") != "refresh":
            return
        now = time.monotonic()
        if now - self.last_refresh < MIN_REFRESH_SECONDS:
            return
        self.last_refresh = now
        rng = DateRange.parse(str(content.get("from") or ""), str(content.get("to") or ""))
        html = await database_sync_to_async(render_panels)(rng)
        await self.send_json({"type": "panels", "html": html, **rng.as_params()})

    async def dashboard_event(self, message: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "event", "event": message["event"], "data": message.get("data", {})}
        )

    async def feed_entry(self, message: dict[str, Any]) -> None:
        """Entries of the leads app's sales feed (qualified, high intent, assignment...)."""
        await self.send_json(
            {
                "type": "event",
                "event": f"feed.{message.get('kind', '')}",
                "data": {
                    "lead_id": message.get("lead_id"),
                    "message": message.get("message", ""),
                    "created_at": message.get("created_at"),
                },
            }
        )
