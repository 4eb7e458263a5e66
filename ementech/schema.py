"""OpenAPI schema hooks: document only the public contract under ``/api/``."""

from __future__ import annotations


def only_api_paths(endpoints: list[tuple], **kwargs) -> list[tuple]:
    """drf-spectacular preprocessing hook: drop Wagtail's internal admin API endpoints."""
    return [e for e in endpoints if e[0].startswith("/api/")]
