"""Request context for interactions: device/browser/OS from the user agent, truncated IP.

User-agent parsing is cached per distinct string (browsers send a handful of them), which
keeps it off the ingestion hot path.
"""

from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest
from user_agents import parse as parse_ua

from core.net import client_ip_truncated


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
    """``{"device", "browser", "os", "user_agent", "ip_truncated"}`` for a request ({} if none)."""
    if request is None:
        return {}
    ua = (request.META.get("HTTP_USER_AGENT") or "")[:400]
    return {
        **parse_user_agent(ua),
        "user_agent": ua,
        "ip_truncated": client_ip_truncated(request),
    }
