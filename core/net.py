"""Client addresses: which IP a request came from, and how it is stored (truncated).

Proxy headers are trusted only when ``TRUSTED_PROXY_COUNT`` says how many proxies stand in
front of the app; a forged ``X-Forwarded-For`` from a client is otherwise ignored. Raw
addresses are never stored: ``truncate_ip`` zeroes the last 2 bytes of IPv4 and the last
80 bits of IPv6.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as seen by the first trusted hop (raw: never store it)."""
    return client_ip_from_meta(request.META)


def client_ip_from_meta(meta: Mapping[str, Any]) -> str:
    """``client_ip`` from ``request.META`` or a scope's headers in its names
    (``core.context.scope_meta``)."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return remote


@lru_cache(maxsize=4096)  # every tracked request asks; a site sees few addresses at once
def truncate_ip(ip: str | None) -> str:
    """Anonymise an address: IPv4 a.b.0.0, IPv6 keeps its first 48 bits. '' if invalid."""
    if not ip:
        return ""
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if isinstance(addr, ipaddress.IPv4Address):
        return str(ipaddress.ip_network(f"{addr}/16", strict=False).network_address)
    return str(ipaddress.ip_network(f"{addr}/48", strict=False).network_address)


def client_ip_truncated(request: HttpRequest) -> str:
    return truncate_ip(client_ip(request))
