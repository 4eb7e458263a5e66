"""The scoring app's public surface: the only module another app imports from ``scoring``.

Schedule a lead's rescoring, raise a hot-lead alert, and read the latest alerts for the
dashboard (the custom metrics live in ``analytics``). Foreign keys to scoring stay string labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "AlertSummary",
    "alert_raise",
    "alerts_latest",
    "lead_rescore_soon",
]


@dataclass(frozen=True)
class AlertSummary:
    """A hot-lead alert and the lead it is about."""

    lead_id: Any
    lead_name: str
    lead_company: str
    lead_score: int
    lead_grade: str
    reason_label: str
    created_at: datetime


def lead_rescore_soon(*, lead_id: Any, reason: str = "event", first: bool = False) -> bool:
    """Schedule a (debounced) rescoring of this lead after commit; ``first`` (a lead just
    created) scores it at once. Returns True if scheduled."""
    from scoring.services import lead_rescore_soon as _soon

    return _soon(lead_id=lead_id, reason=reason, first=first)


def alert_raise(*, lead: Any, reason: str, details: dict | None = None) -> Any:
    """Raise a hot-lead alert once per (lead, reason); returns it, or None if the lead
    already had one for this reason. Delivery runs in Celery after commit."""
    from scoring.services import alert_raise as _raise

    return _raise(lead=lead, reason=reason, details=details)


def alerts_latest(*, limit: int) -> list[AlertSummary]:
    """The newest hot-lead alerts, newest first."""
    from scoring.models import ScoreAlert

    return [
        AlertSummary(
            lead_id=a.lead_id,
            lead_name=a.lead.name,
            lead_company=a.lead.company,
            lead_score=a.lead.score,
            lead_grade=a.lead.grade,
            reason_label=a.get_reason_display() if hasattr(a, "get_reason_display") else a.reason,
            created_at=a.created_at,
        )
        for a in ScoreAlert.objects.select_related("lead").order_by("-created_at", "-id")[:limit]
    ]
