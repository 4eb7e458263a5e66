"""Exit-intent offer API: ``GET /api/offers/exit-intent`` (the offer for this session,
recorded), ``POST /api/offers/exit-intent/{id}/outcome`` and the staff statistics at
``GET /api/offers/exit-intent/stats``."""

from __future__ import annotations

from urllib.parse import urlsplit

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.permissions import HasPerm
from core.ratelimit import rate_limit
from nurture.facade import newsletter_subscribed
from tools import offers, selectors, services
from tools.api import _RESULT_ID, PublicApi
from tools.models import ExitOffer
from tools.serializers import (
    ExitOfferOutcomeSerializer,
    ExitOfferSerializer,
    ExitOfferStatsSerializer,
)


class ExitIntentApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        pages = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
        scroll = serializers.IntegerField(min_value=0, max_value=100, required=False)
        referrer = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        session_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
        device = serializers.ChoiceField(
            choices=["desktop", "mobile", "tablet"], required=False, default="desktop"
        )

    @extend_schema(
        summary="The exit-intent offer for this session (recorded)",
        parameters=[InputSerializer],
        responses={200: ExitOfferSerializer},
        examples=[
            OpenApiExample(
                "A consultation",
                value={
                    "id": _RESULT_ID,
                    "offer": "consultation",
                    "chosen_by": "rules",
                    "title": "Talk it through with an engineer",
                    "description": "A free 30-minute AI consultation.",
                    "cta_label": "Book a free call",
                    "cta_url": "/contact/",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        blocked = rate_limit(request, "exit-offer")
        if blocked is not None:
            return blocked
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        pages = [
            urlsplit(p.strip()).path[:200]
            for p in (v.get("pages") or "").split(",")
            if p.strip().startswith("/")
        ][-20:]
        visitor = selectors.visitor_for_request(request)
        lead = selectors.lead_for_visitor(visitor)
        signals = offers.Signals(
            pages=pages,
            seconds=v.get("seconds", 0),
            scroll=v.get("scroll", 0),
            referrer_host=(urlsplit(v.get("referrer") or "").hostname or "")[:100],
            device=v.get("device", "desktop"),
            stage=lead.stage if lead else "",
            role=lead.role if lead else "",
            industry=lead.industry if lead else "",
            subscribed=bool(lead) and newsletter_subscribed(email_normalized=lead.email_normalized),
        )
        row, copy = services.exit_offer_choose(
            signals=signals, visitor=visitor, lead=lead, session_id=v.get("session_id", "")
        )
        return Response({"id": str(row.pk), "offer": row.offer, "chosen_by": row.chosen_by, **copy})


class ExitOutcomeApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["dismissed", "accepted", "converted"])

    @extend_schema(
        summary="What the visitor did with the offer",
        responses={200: ExitOfferOutcomeSerializer},
        examples=[
            OpenApiExample("Accepted", value={"outcome": "accepted"}, request_only=True),
            OpenApiExample(
                "Recorded", value={"id": _RESULT_ID, "outcome": "accepted"}, response_only=True
            ),
        ],
    )
    def post(self, request: Request, offer_id) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.exit_offer_outcome(offer_id=offer_id, outcome=data.validated_data["outcome"])
        if row is None:
            raise ApplicationError("Not found.", code=ApplicationError.NOT_FOUND)
        return Response({"id": str(row.pk), "outcome": row.outcome})


class ExitStatsApi(APIView):
    permission_classes = [HasPerm.of("tools.view_offer_stats")]

    @extend_schema(
        summary="Staff: how each exit offer performs",
        responses={200: ExitOfferStatsSerializer},
        examples=[
            OpenApiExample(
                "Two offers",
                value={
                    "offers": [
                        {
                            "offer": "consultation",
                            "shown": 120,
                            "dismissed": 90,
                            "accepted": 22,
                            "converted": 8,
                            "by_llm": 0,
                            "engagement_rate": 0.25,
                            "conversion_rate": 0.067,
                        }
                    ]
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response({"offers": selectors.exit_offer_stats()})


__all__ = ["ExitOffer"]
