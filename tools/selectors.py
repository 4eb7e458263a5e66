"""Reads of the tools app: the visitor/lead behind a request, exit-offer comparison."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from leads.facade import Lead, Visitor
from tools.models import ExitOffer


def visitor_for_request(request: HttpRequest) -> Visitor | None:
    """The visitor of the ``em_vid`` cookie (only set once analytics consent was given)."""
    from core.context import context_from_request

    vid = context_from_request(getattr(request, "_request", request)).visitor_id
    return Visitor.objects.filter(pk=vid).select_related("lead").first() if vid else None


def lead_for_visitor(visitor: Visitor | None) -> Lead | None:
    if visitor is None or visitor.lead_id is None:
        return None
    return Lead.objects.filter(pk=visitor.lead_id).first()


def exit_offer_stats() -> list[dict]:
    """Per offer: how often it was shown and what visitors did, to compare offers."""
    rows = (
        ExitOffer.objects.values("offer")
        .annotate(
            shown=Count("id"),
            dismissed=Count("id", filter=Q(outcome="dismissed")),
            accepted=Count("id", filter=Q(outcome="accepted")),
            converted=Count("id", filter=Q(outcome="converted")),
            by_llm=Count("id", filter=Q(chosen_by="llm")),
        )
        .order_by("offer")
    )
    out = []
    for row in rows:
        engaged = row["accepted"] + row["converted"]
        out.append(
            {
                **row,
                "engagement_rate": round(engaged / row["shown"], 3) if row["shown"] else 0.0,
                "conversion_rate": round(row["converted"] / row["shown"], 3)
                if row["shown"]
                else 0.0,
            }
        )
    return out
