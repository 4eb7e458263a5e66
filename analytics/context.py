"""The context stored with interactions: device/browser/OS from the user agent, truncated IP.

User-agent parsing is cached per distinct string (browsers send a handful of them), which
keeps it off the ingestion hot path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.http import HttpRequest
from user_agents import parse as parse_ua

from core.net import client_ip_truncated

if TYPE_CHECKING:
    from core.context import RequestContext


@lru_cache(maxsize=2048)
def parse_user_agent(ua: str) -> dict[str, str]:
    if not ua:
        return {"device": "", "browser": "", "os": ""}
    parsed = parse_ua(ua)
    if parsed.is_tablet:
        device = "tablet"
    elif parsed.is_mobile:
        device = "mobile"
    elif parsed.is_bot:
        device = "bot"
    else:
        device = "desktop"
    return {
        "device": device,
        "browser": parsed.browser.family or "",
        "os": parsed.os.family or "",
    }


def request_context(request: HttpRequest | None) -> dict[str, str]:
    """``{"device", "browser", "os", "user_agent", "ip_truncated"}`` for a request ({} if none).
    The tracking fast path's own reading, straight from the request (no context object)."""
    if request is None:
        return {}
    return interaction_context_of(
        (request.META.get("HTTP_USER_AGENT") or "")[:400], client_ip_truncated(request)
    )


def interaction_context(ctx: RequestContext | None) -> dict[str, str]:
    """The same from a request context ({} without one: a task's or a command's write)."""
    if ctx is None:
        return {}
    return interaction_context_of(ctx.user_agent, ctx.ip_truncated)


def interaction_context_of(user_agent: str, ip_truncated: str) -> dict[str, str]:
    """An interaction's ``context`` column: the parsed user agent, itself, the address."""
    return {**parse_user_agent(user_agent), "user_agent": user_agent, "ip_truncated": ip_truncated}
