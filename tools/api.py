"""Public tools API (JSON, rate-limited).

- ``POST /api/tools/roi``: the projection, its assumptions and formula; with ``email`` and
  ``consent`` the result is emailed and the lead captured.
- ``GET /api/tools/assessment``: the 17 questions; ``POST``: scores, roadmap, chart URL;
  with ``email`` and ``consent`` the report is emailed and the lead captured.
- ``POST /api/tools/results/{id}/email``: email an earlier result (the result page's form).
- ``POST /api/forms/extract`` ``{"text"}``: smart form fill, to confirm before saving.

The exit-intent offer endpoints are in ``tools.offers_api``.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.context import context_from_request
from core.errors import ApplicationError
from core.ratelimit import rate_limit
from leads.facade import ConsentInput, ConsentSerializer
from tools import assessment, extract, roi, selectors, services
from tools.models import ToolResult
from tools.serializers import (
    AssessmentQuestionsSerializer,
    AssessmentResultSerializer,
    FormExtractSerializer,
    ResultEmailSentSerializer,
    RoiResultSerializer,
)

_RESULT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


class ProfileSerializer(serializers.Serializer):
    """Smart-fill values the visitor confirmed (validated again by ``lead_capture``)."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    company_size = serializers.CharField(max_length=10, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)


def with_form_wording(consent: ConsentInput) -> ConsentInput:
    """The tools' own consent text when the body sent none (what the form shows)."""
    if consent.wording:
        return consent
    wording = services.EMAIL_CONSENT_WORDING
    if consent.marketing:
        wording += "\n" + services.MARKETING_WORDING
    return replace(consent, wording=wording)


def _email_result(request: Request, result: ToolResult, data: dict) -> None:
    """Email ``result`` when the request carries an email (``CaptureError`` if invalid)."""
    if not data.get("email"):
        return
    if "consent" not in data:
        raise ApplicationError(details={"consent": ["Consent to data processing is required."]})
    services.tool_result_email(
        result=result,
        email=data["email"],
        consent=with_form_wording(data["consent"]),
        profile=data.get("profile") or {},
        visitor=selectors.visitor_for_request(request),
        ctx=context_from_request(request._request),
    )


class PublicApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []


class RoiApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        team_size = serializers.IntegerField(min_value=1, max_value=100_000)
        avg_salary = serializers.FloatField(min_value=1_000, max_value=2_000_000)
        current_tools = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, max_length=20
        )
        pain_points = serializers.ListField(
            child=serializers.ChoiceField(choices=list(roi.PAIN_POINTS)),
            required=False,
            max_length=len(roi.PAIN_POINTS),
        )
        goals = serializers.ListField(
            child=serializers.ChoiceField(choices=list(roi.GOALS)),
            required=False,
            max_length=len(roi.GOALS),
        )
        email = serializers.CharField(max_length=254, required=False, allow_blank=True)
        consent = ConsentSerializer(required=False)
        profile = ProfileSerializer(required=False)

    @extend_schema(
        summary="ROI projection (emailed, and the lead captured, with email and consent)",
        responses={200: RoiResultSerializer},
        examples=[
            OpenApiExample(
                "A team of 25",
                value={
                    "team_size": 25,
                    "avg_salary": 30000,
                    "pain_points": ["manual_data_entry"],
                    "goals": ["faster_response"],
                },
                request_only=True,
            ),
            OpenApiExample(
                "The projection",
                value={
                    "id": _RESULT_ID,
                    "inputs": {"team_size": 25, "avg_salary": 30000},
                    "result": {"annual_savings": 41250, "time_to_value_weeks": 8},
                    "assumptions": [{"name": "Working hours per person per year", "value": 1800}],
                    "formula": "savings = team x salary x overhead x automatable share x ...",
                    "emailed": False,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        blocked = rate_limit(request, "tools")
        if blocked is not None:
            return blocked
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        inputs = roi.RoiInputs(
            team_size=v["team_size"],
            avg_salary=v["avg_salary"],
            current_tools=tuple(t.strip() for t in v.get("current_tools", []) if t.strip()),
            pain_points=tuple(dict.fromkeys(v.get("pain_points", []))),
            goals=tuple(dict.fromkeys(v.get("goals", []))),
        )
        visitor = selectors.visitor_for_request(request)
        result = services.roi_calculate(
            inputs=inputs,
            visitor=visitor,
            lead=selectors.lead_for_visitor(visitor),
            ctx=context_from_request(request._request),
        )
        _email_result(request, result, v)
        result.refresh_from_db()
        return Response(
            {
                "id": str(result.pk),
                "inputs": result.inputs,
                "result": result.outputs,
                "assumptions": roi.assumptions(),
                "formula": roi.__doc__,
                "emailed": result.emailed_at is not None,
            }
        )


class AssessmentApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(child=serializers.JSONField())
        context = ProfileSerializer(required=False)
        email = serializers.CharField(max_length=254, required=False, allow_blank=True)
        consent = ConsentSerializer(required=False)

    @extend_schema(
        summary="The assessment's questions",
        responses={200: AssessmentQuestionsSerializer},
        examples=[
            OpenApiExample(
                "Questions",
                value={
                    "dimensions": {"data": "Data readiness"},
                    "questions": [
                        {
                            "id": "data_infrastructure",
                            "dimension": "data",
                            "text": "How would you describe your current data infrastructure?",
                            "options": [{"value": 0, "label": "No data strategy"}],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "dimensions": {k: v[0] for k, v in assessment.DIMENSIONS.items()},
                "questions": [
                    {
                        "id": q.id,
                        "dimension": q.dimension,
                        "text": q.text,
                        "options": [{"value": i, "label": o} for i, o in enumerate(q.options)],
                    }
                    for q in assessment.QUESTIONS
                ],
            }
        )

    @extend_schema(
        summary="Score the assessment: dimension scores, roadmap and radar chart",
        responses={200: AssessmentResultSerializer},
        examples=[
            OpenApiExample(
                "Answers (0-3 per question)",
                value={
                    "answers": {"data_infrastructure": 2, "data_quality": 1},
                    "context": {"industry": "fintech"},
                },
                request_only=True,
            ),
            OpenApiExample(
                "The result",
                value={
                    "id": _RESULT_ID,
                    "dimensions": {"data": 50, "team": 33},
                    "overall": 44,
                    "level": "exploring",
                    "roadmap": [
                        {
                            "phase": "0-3 months",
                            "title": "Fix the foundations",
                            "actions": ["Put the data for one use case in one place"],
                        }
                    ],
                    "next_steps": ["Pick one use case with a clear owner"],
                    "focus": ["Data readiness"],
                    "method": "rules",
                    "chart_url": "/tools/assessment/radar.svg?data=50&team=33",
                    "emailed": False,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        blocked = rate_limit(request, "tools")
        if blocked is not None:
            return blocked
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        answers = assessment.validate_answers(v["answers"])
        context = {k: val for k, val in (v.get("context") or {}).items() if val}
        visitor = selectors.visitor_for_request(request)
        result = services.assessment_run(
            answers=answers,
            context=context,
            visitor=visitor,
            lead=selectors.lead_for_visitor(visitor),
            ctx=context_from_request(request._request),
        )
        _email_result(request, result, {**v, "profile": context})
        result.refresh_from_db()
        return Response(
            {
                "id": str(result.pk),
                **result.outputs,
                "method": result.method,
                "chart_url": radar_url(result.outputs["dimensions"]),
                "emailed": result.emailed_at is not None,
            }
        )


def radar_url(dimensions: dict[str, int]) -> str:
    """The chart URL, axes always in the documented order (JSONB does not keep key order)."""
    return "/tools/assessment/radar.svg?" + urlencode(
        [(key, dimensions.get(key, 0)) for key in assessment.DIMENSIONS]
    )


class ResultEmailApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        consent = ConsentSerializer()
        profile = ProfileSerializer(required=False)

    @extend_schema(
        summary="Email an earlier result (captures the lead, with consent)",
        responses={202: ResultEmailSentSerializer},
        examples=[
            OpenApiExample(
                "Email it to me",
                value={"email": "wanjiru@acme.co.ke", "consent": {"data_processing": True}},
                request_only=True,
            ),
            OpenApiExample(
                "Sent", value={"status": "sent"}, response_only=True, status_codes=["202"]
            ),
        ],
    )
    def post(self, request: Request, result_id) -> Response:
        blocked = rate_limit(request, "tools")
        if blocked is not None:
            return blocked
        result = ToolResult.objects.filter(pk=result_id).first()
        if result is None:
            raise ApplicationError("Not found.", code=ApplicationError.NOT_FOUND)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _email_result(request, result, data.validated_data)
        return Response({"status": "sent"}, status=status.HTTP_202_ACCEPTED)


class ExtractApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=500)

    @extend_schema(
        summary="Smart form fill: fields read from one sentence, to confirm before saving",
        responses={200: FormExtractSerializer},
        examples=[
            OpenApiExample(
                "A sentence",
                value={"text": "I'm the CTO of a 40-person fintech in Nairobi"},
                request_only=True,
            ),
            OpenApiExample(
                "Fields to confirm",
                value={
                    "fields": {"role": "CTO", "company_size": "11-50", "industry": "fintech"},
                    "labels": {"role": "CTO", "company_size": "11-50", "industry": "Fintech"},
                    "method": "rules",
                    "needs_confirmation": True,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        blocked = rate_limit(request, "forms-extract")
        if blocked is not None:
            return blocked
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields, method = extract.extract(data.validated_data["text"])
        labels = dict(fields)
        if "industry" in fields:
            labels["industry"] = extract.INDUSTRY_LABELS.get(fields["industry"], fields["industry"])
        return Response(
            {"fields": fields, "labels": labels, "method": method, "needs_confirmation": True}
        )
