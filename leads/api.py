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
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import error_response
from core.parsers import seed_consent, snake_query
from core.permissions import StaffModelPermissions
from core.ratelimit import rate_limit
from leads import selectors, services
from leads.cookies import visitor_cookie_set
from leads.models import Lead
from leads.serializers import SUMMARY_FIELDS, lead_detail, lead_summary

MAX_PAGE = 100
ENVELOPE_KEYS = {
    "email", "consent", "source", "medium", "campaign", "visitor_id", "page_url", "form",
}  # fmt: skip


def _consent_from(raw) -> services.ConsentInput | None:
    if raw is True:
        return services.ConsentInput(data_processing=True)
    raw = seed_consent(raw)  # the seed's {given, dataProcessing, marketing}
    if isinstance(raw, dict):
        return services.ConsentInput(
            data_processing=raw.get("data_processing") is True,
            marketing=raw.get("marketing") is True,
            analytics=raw.get("analytics") is True,
            method=str(raw.get("method") or "checkbox")[:30],
            wording=str(raw.get("wording") or "")[:2000],
            page_url=str(raw.get("page_url") or "")[:500],
        )
    return None


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
        responses={200: OpenApiTypes.OBJECT},
        description="Staff: leads, newest first, whitelisted filters, cursor pages (next).",
    )
    def get(self, request: Request) -> Response:
        allowed = set(self.FilterSerializer().fields)
        query = snake_query(request.query_params)  # the seed's dateFrom/dateTo
        unknown = sorted(set(query) - allowed)
        if unknown:
            return error_response(
                "Invalid input.",
                status_code=400,
                details={key: ["Unknown filter."] for key in unknown},
            )
        params = self.FilterSerializer(data=query)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        cursor = data.pop("cursor", None)
        limit = data.pop("limit")
        page = data.pop("page", None)
        if page is not None and cursor:
            return error_response(
                "Invalid input.",
                status_code=400,
                details={"page": ["Send page or cursor, not both."]},
            )
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
        try:
            rows, next_cursor = selectors.lead_page(
                filters=filters,
                limit=limit,
                cursor=cursor,
                fields=SUMMARY_FIELDS,
                offset=(page - 1) * limit if page else 0,
            )
        except ValueError:
            return error_response(
                "Invalid input.", status_code=400, details={"cursor": ["Invalid cursor."]}
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
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Public create-or-update by email (consent required). The answer never says "
            "whether the address was known."
        ),
    )
    def post(self, request: Request) -> Response:
        limited = rate_limit(request._request, "lead-capture")
        if limited is not None:
            return limited
        body = request.data
        if not isinstance(body, dict):
            return error_response(
                "Invalid input.",
                status_code=400,
                details={"non_field_errors": ["Send a JSON object."]},
            )
        consent = _consent_from(body.get("consent"))
        form = body.get("form") or ""
        if form and (not isinstance(form, str) or form not in selectors.FORM_NAMES):
            return error_response(
                "Invalid input.", status_code=400, details={"form": ["Unknown form."]}
            )
        source = body.get("source") or form or "api"
        medium, campaign = body.get("medium") or "", body.get("campaign") or ""
        for key, value, length in (("medium", medium, 100), ("campaign", campaign, 200)):
            if not isinstance(value, str) or len(value) > length:
                return error_response(
                    "Invalid input.",
                    status_code=400,
                    details={key: [f"A string of at most {length} characters."]},
                )
        # The visitor is the signed cookie's only: a body ``visitor_id`` is ignored.
        visitor_id = selectors.visitor_id_from_request(request._request)
        profile = {k: v for k, v in body.items() if k not in ENVELOPE_KEYS}
        try:
            result = services.lead_signup(
                email=body.get("email") if isinstance(body.get("email"), str) else "",
                consent=consent or services.ConsentInput(data_processing=False),
                source=str(source)[:100],
                form=form,
                visitor_id=visitor_id,
                profile=profile,
                page_url=str(body.get("page_url") or "")[:500],
                request=request._request,
                medium=medium,
                campaign=campaign,
            )
        except services.CaptureError as exc:
            return error_response("Invalid input.", status_code=400, details=exc.details)
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

    @extend_schema(operation_id="leads_detail", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, lead_id) -> Response:
        return Response(lead_detail(selectors.lead_get(lead_id=lead_id)))

    @extend_schema(
        operation_id="leads_update",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def patch(self, request: Request, lead_id) -> Response:
        lead = selectors.lead_get(lead_id=lead_id)
        if not isinstance(request.data, dict) or not request.data:
            return error_response(
                "Invalid input.",
                status_code=400,
                details={"non_field_errors": ["Send an object of fields to change."]},
            )
        try:
            lead = services.lead_update(lead=lead, data=request.data, actor=request.user)
        except services.CaptureError as exc:
            return error_response("Invalid input.", status_code=400, details=exc.details)
        return Response(lead_detail(selectors.lead_get(lead_id=lead.pk)))

    @extend_schema(operation_id="leads_soft_delete", responses={204: None})
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
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        form = request.query_params.get("form", "")
        if form not in selectors.FORM_NAMES:
            return error_response(
                "Invalid input.",
                status_code=400,
                details={"form": [f"One of: {', '.join(sorted(selectors.FORM_NAMES))}."]},
            )
        lead = selectors.lead_for_request(request._request)
        return Response(
            {
                "form": form,
                "fields": selectors.next_fields(form=form, lead=lead),
                "known": lead is not None,
            }
        )
