"""The privacy app's public surface: the only module another app imports from ``privacy``.

Consent (the banner's cookie and the analytics gate), erasure (of a lead, and the hooks
other apps register to hear about one), suppressed addresses, and the list of tables
that hold personal data. Foreign keys to privacy stay string labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from core.context import RequestContext

__all__ = [
    "analytics_allowed",
    "consent_banner_record",
    "consent_state",
    "consent_state_of",
    "lead_erase_by_staff",
    "personal_data_labels",
    "register_erasure_hook",
    "set_consent_cookie",
    "suppressed_emails",
]


def analytics_allowed(*, request: HttpRequest) -> bool:
    """The tracking gate: may this request set ``em_vid`` and store interactions?"""
    from privacy.selectors import analytics_allowed as _allowed

    return _allowed(request)


def consent_state(*, request: HttpRequest) -> Any:
    """The request's consent (``privacy.selectors.ConsentState``: decided, analytics,
    marketing, the browser's privacy signal)."""
    from privacy.selectors import consent_state as _state

    return _state(request)


def consent_state_of(*, cookies: Mapping[str, str], meta: Mapping[str, Any]) -> Any:
    """``consent_state`` from cookies and ``META``-style headers (a WebSocket scope's, or
    the request context's builder, ``core.context.context_build``)."""
    from privacy.selectors import consent_state_of as _state_of

    return _state_of(cookies=cookies, meta=meta)


def consent_banner_record(
    *, ctx: RequestContext, analytics: bool, marketing: bool, page_url: str = ""
) -> Any:
    """Record a banner choice as consent records when the visitor (or its lead) is known;
    returns the choice in effect (``effective_analytics``, ``marketing``)."""
    from privacy.services import consent_banner_record as _record

    return _record(ctx=ctx, analytics=analytics, marketing=marketing, page_url=page_url)


def set_consent_cookie(
    *, response: HttpResponse, request: HttpRequest, analytics: bool, marketing: bool
) -> None:
    """Store the banner's choice in its cookie on ``response``."""
    from privacy.api import set_consent_cookie as _set

    _set(response, request, analytics=analytics, marketing=marketing)


def lead_erase_by_staff(*, lead: Any, verified_by: str, actor: Any = None) -> None:
    """Erase a lead and everything personal about it (a staff decision, e.g. a CRM's GDPR
    delete), suppressing its address so no import brings it back."""
    from privacy.models import DeletionLog
    from privacy.services import lead_erase

    lead_erase(lead=lead, method=DeletionLog.Method.STAFF, verified_by=verified_by, actor=actor)


def register_erasure_hook(*, hook: Callable[..., Any]) -> None:
    """Call ``hook`` when a subject is erased (inside the erasure's transaction)."""
    from privacy.registry import register_erasure_hook as _register

    _register(hook)


def suppressed_emails(*, emails: Iterable[str]) -> set[str]:
    """Those of ``emails`` that were erased here and must not come back."""
    from privacy.hashing import email_hash
    from privacy.models import Suppression

    by_hash = {email_hash(e): e for e in emails}
    found = Suppression.objects.filter(email_hash__in=list(by_hash)).values_list(
        "email_hash", flat=True
    )
    return {by_hash[h] for h in found}


def personal_data_labels() -> tuple[str, ...]:
    """``"app_label.Model"`` of every model that holds personal data (the registry)."""
    from privacy.registry import REGISTRY

    return tuple(entry.label for entry in REGISTRY)
