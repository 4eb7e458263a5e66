"""Lead API: public capture and next fields; staff list, detail, PATCH and soft DELETE.

- ``POST /api/leads`` (public, rate-limited): create-or-update by email; always 200
  ``{"received", "next_fields"}``, whether or not the address was known (``leads.identity``).
- ``GET /api/leads`` (staff): whitelisted filters, keyset pagination with a ``next`` link.
- ``GET|PATCH|DELETE /api/leads/{id}`` (staff with the model permission), audited.
- ``GET /api/leads/next-fields?form=...`` (public): fields still worth asking.
"""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import urlencode

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.context import context_from_request
from core.errors import ApplicationError
from core.parsers import snake_query
from core.permissions import StaffModelPermissions
from core.ratelimit import rate_limit
from leads import selectors, services
from leads.cookies import visitor_cookie_set
from leads.models import Lead
from leads.serializers import (
    SUMMARY_FIELDS,
    CaptureInputSerializer,
    CaptureOutputSerializer,
    LeadDetailSerializer,
    LeadListSerializer,
    LeadUpdateInputSerializer,
    NextFieldsSerializer,
    lead_detail,
    lead_summary,
)

MAX_PAGE = 100

CAPTURE_EXAMPLE = {
    "email": "wanjiru@acme.co.ke",
    "name": "Wanjiru Kamau",
    "company": "Acme Ltd",
    "consent": {"data_processing": True, "marketing": True, "wording": "I agree to ..."},
    "form": "resource_download",
    "source": "linkedin",
    "medium": "social",
    "campaign": "q3-ai-readiness",
}
LEAD_EXAMPLE = {
    "id": "3f2b8c1e-6d1a-4c55-9a39-0b6f6a3c2d10",
    "email": "wanjiru@acme.co.ke",
    "name": "Wanjiru Kamau",
    "company": "Acme Ltd",
    "role": "CTO",
    "industry": "fintech",
    "company_size": "51-200",
    "stage": "qualified",
    "outcome": "",
    "buying_stage": "consideration",
    "source": "linkedin",
    "medium": "social",
    "campaign": "q3-ai-readiness",
    "score": 72,
    "grade": "B",
    "assigned_to": {"id": 4, "username": "amina"},
    "last_visit_at": "2026-12-01T09:30:00+03:00",
    "created_at": "2026-11-20T14:02:11+03:00",
    "updated_at": "2026-12-01T09:31:40+03:00",
}
LEAD_DETAIL_EXAMPLE = {
    **LEAD_EXAMPLE,
    "phone": "+254712345678",
    "website": "https://acme.co.ke",
    "linkedin": "",
    "budget": "10k-50k",
    "timeline": "1-3mo",
    "decision_process": "",
    "authority": "decision_maker",
    "seniority": "c-level",
    "tech_stack": ["python", "aws"],
    "competitors": [],
    "pain_points": ["manual reporting"],
    "interests": ["ai-automation"],
    "fit_score": 30,
    "engagement_score": 42,
    "score_factors": {"company_size": 10, "pricing_views": 15},
    "profile_completeness": 0.8,
    "visits": 6,
    "page_views": 23,
    "time_on_site_seconds": 1260,
    "avg_scroll_depth": 61.5,
    "profile_extra": {},
    "ai_data": {},
    "preferences": {},
    "inferred_fields": {},
    "first_visit_at": "2026-11-18T10:00:00+03:00",
    "scored_at": "2026-12-01T09:32:00+03:00",
    "qualified_at": "2026-11-28T16:20:00+03:00",
}


class LeadsApi(APIView):
    """``POST`` is the public capture; ``GET`` is the staff list."""

    queryset = Lead.objects.none()  # for StaffModelPermissions

    class FilterSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=Lead.Stage.choices, required=False)
        grade = serializers.ChoiceField(choices=["A", "B", "C", "D"], required=False)
        industry = serializers.CharField(max_length=100, required=False)
        source = serializers.CharField(max_length=100, required=False)
        medium = serializers.CharField(max_length=100, required=False)
        campaign = serializers.CharField(max_length=200, required=False)
        created_after = serializers.DateTimeField(required=False)
        created_before = serializers.DateTimeField(required=False)
        date_from = serializers.DateField(
            required=False, help_text="The seed's dateFrom: created on or after this day."
        )
        date_to = serializers.DateField(
            required=False, help_text="The seed's dateTo: created on or before this day."
        )
        page = serializers.IntegerField(
            min_value=1,
            max_value=10_000,
            required=False,
            help_text="The seed's page numbers (with limit); the cursor is faster.",
        )
        score_min = serializers.IntegerField(min_value=0, max_value=100, required=False)
        score_max = serializers.IntegerField(min_value=0, max_value=100, required=False)
        assigned_to = serializers.IntegerField(min_value=1, required=False)
        q = serializers.CharField(max_length=100, required=False)
        cursor = serializers.CharField(max_length=200, required=False)
        limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=25)

    def get_authenticators(self):
        if getattr(self, "request", None) is not None and self.request.method not in (
            "GET",
            "HEAD",
        ):
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD"):
            return [StaffModelPermissions()]
        return [AllowAny()]  # POST is public; other methods are answered 405

    @extend_schema(
        operation_id="leads_list",
        parameters=[FilterSerializer],
        responses={200: LeadListSerializer},
        description=(
            "Staff: leads, newest first, whitelisted filters; cursor pages (next) or the "
            "seed's page/limit, with total and pages. The seed's dateFrom/dateTo are accepted."
        ),
        examples=[
            OpenApiExample(
                "A page of leads",
                value={
                    "results": [LEAD_EXAMPLE],
                    "next": "https://ementech.co.ke/api/leads?limit=25&cursor=MjAyNi0xMS0yMA",
                    "pagination": {"page": None, "limit": 25, "total": 134, "pages": 6},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        allowed = set(self.FilterSerializer().fields)
        query = snake_query(request.query_params)  # the seed's dateFrom/dateTo
        unknown = sorted(set(query) - allowed)
        if unknown:
            raise ApplicationError(details={key: ["Unknown filter."] for key in unknown})
        params = self.FilterSerializer(data=query)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        cursor = data.pop("cursor", None)
        limit = data.pop("limit")
        page = data.pop("page", None)
        if page is not None and cursor:
            raise ApplicationError(details={"page": ["Send page or cursor, not both."]})
        tz = timezone.get_current_timezone()
        date_from, date_to = data.pop("date_from", None), data.pop("date_to", None)
        if date_from is not None:
            start = dt.datetime.combine(date_from, dt.time.min, tz)
            data["created_after"] = max(start, data.get("created_after") or start)
        if date_to is not None and date_to < dt.date.max:
            end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tz)
            data["created_before"] = min(end, data.get("created_before") or end)
        filters = selectors.LeadFilters(**data)
        total = selectors.lead_count(filters=filters)
        rows, next_cursor = selectors.lead_page(
            filters=filters,
            limit=limit,
            cursor=cursor,
            fields=SUMMARY_FIELDS,
            offset=(page - 1) * limit if page else 0,
        )
        next_url = None
        if next_cursor:
            query = {k: v for k, v in request.query_params.items() if k != "cursor"}
            query["cursor"] = next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
        return Response(
            {
                "results": [lead_summary(r) for r in rows],
                "next": next_url,
                "pagination": {
                    "page": page,
                    "limit": limit,
                    "total": total,
                    "pages": math.ceil(total / limit),
                },
            }
        )

    @extend_schema(
        operation_id="leads_capture",
        request=CaptureInputSerializer,
        responses={200: CaptureOutputSerializer},
        description=(
            "Public create-or-update by email (consent required). The answer never says "
            "whether the address was known: always 200 {received, next_fields}. The seed's "
            "camelCase keys and consent object ({given, dataProcessing, marketing}) are "
            "accepted; a body visitor_id is ignored (the visitor is the signed cookie's)."
        ),
        examples=[
            OpenApiExample("A download form", value=CAPTURE_EXAMPLE, request_only=True),
            OpenApiExample(
                "The seed's body (§6.1.1)",
                value={
                    "email": "otieno@acme.co.ke",
                    "name": "Otieno Odhiambo",
                    "consent": {"given": True, "dataProcessing": True, "marketing": False},
                    "source": "newsletter",
                    "medium": "email",
                    "campaign": "october-digest",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Received",
                value={"received": True, "next_fields": ["role", "company_size"]},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        limited = rate_limit(request._request, "lead-capture")
        if limited is not None:
            return limited
        body = CaptureInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        profile = dict(body.validated_data)
        consent = profile.pop("consent")
        form = profile.pop("form", "")
        medium, campaign = profile.pop("medium", ""), profile.pop("campaign", "")
        source = profile.pop("source", "") or form or "api"
        page_url = profile.pop("page_url", "")[:500]
        email = profile.pop("email")
        # The visitor is the signed cookie's only: a body ``visitor_id`` is ignored.
        profile.pop("visitor_id", None)
        ctx = context_from_request(request._request)
        result = services.lead_signup(
            email=email,
            consent=consent,
            source=source,
            form=form,
            visitor_id=ctx.visitor_id,
            profile=profile,
            page_url=page_url,
            ctx=ctx,
            medium=medium,
            campaign=campaign,
        )
        # The same answer whether or not the address was known: no id, no "created", the same
        # status; next fields come from what this browser may see (its own lead only when it
        # is verified for it, otherwise only what it just sent).
        known = result.lead if (result.verified and not result.created) else None
        fields = []
        if form:
            fields = selectors.next_fields(
                form=form,
                lead=known or services.lead_preview(email=result.lead.email, profile=profile),
            )
        response = Response({"received": True, "next_fields": fields}, status=status.HTTP_200_OK)
        visitor_cookie_set(request._request, response, result.visitor.pk)
        return response


class LeadDetailApi(APIView):
    """Staff: one lead; PATCH whitelisted fields; DELETE is soft. All audited."""

    permission_classes = [StaffModelPermissions]
    queryset = Lead.objects.none()

    @extend_schema(
        operation_id="leads_detail",
        responses={200: LeadDetailSerializer},
        examples=[OpenApiExample("A lead", value=LEAD_DETAIL_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, lead_id) -> Response:
        return Response(lead_detail(selectors.lead_get(lead_id=lead_id)))

    @extend_schema(
        operation_id="leads_update",
        request=LeadUpdateInputSerializer,
        responses={200: LeadDetailSerializer},
        description="Staff: change whitelisted fields (audited); staff may clear a field.",
        examples=[
            OpenApiExample(
                "Won, with a phone number",
                value={"outcome": "won", "phone": "+254 712 345 678"},
                request_only=True,
            ),
            OpenApiExample(
                "The lead after the change", value=LEAD_DETAIL_EXAMPLE, response_only=True
            ),
        ],
    )
    def patch(self, request: Request, lead_id) -> Response:
        lead = selectors.lead_get(lead_id=lead_id)
        body = LeadUpdateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = services.lead_update(lead=lead, data=body.validated_data, actor=request.user)
        return Response(lead_detail(selectors.lead_get(lead_id=lead.pk)))

    @extend_schema(
        operation_id="leads_soft_delete",
        responses={204: None},
        description="Staff: hide the lead (soft delete, audited); 204 with no body.",
    )
    def delete(self, request: Request, lead_id) -> Response:
        lead = selectors.lead_get(lead_id=lead_id)
        services.lead_soft_delete(lead=lead, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NextFieldsApi(APIView):
    """Public: which of a form's fields to show to the current visitor."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="leads_next_fields",
        parameters=[OpenApiParameter("form", str, enum=sorted(selectors.FORM_NAMES))],
        responses={200: NextFieldsSerializer},
        examples=[
            OpenApiExample(
                "A visitor we know a little",
                value={"form": "demo_request", "fields": ["role", "timeline"], "known": True},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        form = request.query_params.get("form", "")
        if form not in selectors.FORM_NAMES:
            raise ApplicationError(
                details={"form": [f"One of: {', '.join(sorted(selectors.FORM_NAMES))}."]}
            )
        lead = selectors.lead_for_request(request._request)
        return Response(
            {
                "form": form,
                "fields": selectors.next_fields(form=form, lead=lead),
                "known": lead is not None,
            }
        )
