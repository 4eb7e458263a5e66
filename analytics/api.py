"""Public tracking endpoint: ``POST /api/track`` (one event or ``{"events": [...]}``).

The fast path only validates, stamps the context and bulk-inserts (PostHog's capture
pattern); behaviours and triggers run in Celery after commit.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.fastpath import first_touch
from analytics.serializers import (
    TrackAcceptedSerializer,
    TrackBatchSerializer,
    TrackEventSerializer,
    TrackInputSerializer,
    TrackNotStoredSerializer,
)
from analytics.services import track_ingest
from analytics.validation import validate_events
from core.context import context_from_request
from core.ratelimit import rate_limit
from leads.facade import visitor_cookie_set


def _integration(request: Request) -> bool:
    """A server integration: ``Authorization: Token`` of active staff who may add
    interactions (browsers never send one)."""
    if not request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
        return False
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    user = found[0] if found else None
    return bool(
        user and user.is_active and user.is_staff and user.has_perm("analytics.add_interaction")
    )


class TrackApi(APIView):
    """Record tracked events; 202 ``{"accepted": n}``. Any invalid event refuses the batch."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="track",
        request=PolymorphicProxySerializer(
            component_name="TrackRequest",
            serializers=[TrackEventSerializer, TrackBatchSerializer],
            resource_type_field_name=None,
        ),
        responses={
            202: PolymorphicProxySerializer(
                component_name="TrackAnswer",
                serializers=[TrackAcceptedSerializer, TrackNotStoredSerializer],
                resource_type_field_name=None,
            )
        },
        description=(
            'One event or {"events": [...], "batch_id": "..."} (at most 100); 202 '
            '{"accepted": n}. A batch id already stored is not stored again. Any invalid '
            'event refuses the batch: 400 "Invalid events." with '
            '{"events": {index: {field: [messages]}}}. The seed\'s camelCase keys '
            "(sessionId, leadId) are accepted. Without analytics consent the privacy gate "
            'answers 202 {"stored": 0, "reason": ...} and nothing is read or stored.'
        ),
        examples=[
            OpenApiExample(
                "One page view",
                value={
                    "type": "page_view",
                    "session_id": "sess-7f3a",
                    "properties": {"url": "https://ementech.co.ke/services/ai", "title": "AI"},
                },
                request_only=True,
            ),
            OpenApiExample(
                "A batch",
                value={
                    "batch_id": "b-20261203-0001",
                    "events": [
                        {"type": "page_view", "properties": {"path": "/pricing"}},
                        {"type": "scroll", "properties": {"path": "/pricing", "scroll_depth": 75}},
                    ],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Accepted", value={"accepted": 2}, response_only=True, status_codes=["202"]
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        limited = rate_limit(request._request, "track")
        if limited is not None:
            return limited
        body = TrackInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        events = body.validated_data["events"]
        visitor_id = body.validated_data["visitor_id"]
        batch_id = body.validated_data["batch_id"]
        # The visitor is the signed cookie's. A body ``visitor_id`` counts only for a server
        # integration authenticated with a staff token allowed to add interactions.
        ctx = context_from_request(request._request)
        cookie_vid = ctx.visitor_id
        if not (visitor_id and _integration(request)):
            visitor_id = str(cookie_vid) if cookie_vid else None
        clean = validate_events(events)  # refuse before touching the visitor row
        visitor_id, stored = track_ingest(
            clean=clean,
            visitor_id=visitor_id,
            ctx=ctx,
            touch=first_touch(events),
            batch_id=batch_id,
        )
        answer = {"accepted": stored}
        if batch_id is not None and not stored:
            answer.update(accepted=len(clean), duplicate=True)  # a retry: stored the first time
        response = Response(answer, status=202)
        visitor_cookie_set(request._request, response, visitor_id)
        return response
