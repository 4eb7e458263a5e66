"""Privacy API (thin views: validate, call one service, serialise).

- ``GET|POST /api/privacy/consent`` (public): the banner's choice -> ``em_consent`` cookie
  and, for a known visitor or lead, ConsentRecords.
- ``POST /api/privacy/requests`` (public, rate-limited): export or erasure request; always
  the same 202 so the answer never tells whether an address is known.
- ``GET /api/leads/{id}/export?format=json|csv`` and ``DELETE /api/leads/{id}/delete``
  (staff with ``privacy.export_personal_data`` / ``privacy.erase_personal_data``), audited.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit
from core.context import context_from_request
from core.errors import ApplicationError
from core.permissions import HasPerm
from leads.facade import ConsentSerializer, Lead
from privacy import services
from privacy.export import FORMATS, export_render
from privacy.hashing import email_hash
from privacy.models import DataRequest, DeletionLog
from privacy.selectors import (
    CONSENT_COOKIE,
    consent_cookie_value,
    consent_state,
    personal_data_collect,
    subject_for_lead,
)

ACCEPTED = {
    "status": "accepted",
    "detail": "If we hold data for this address, we have emailed it a link.",
}


class IgnoreFormatParam(BaseContentNegotiation):
    """JSON only, and ``?format=`` belongs to the view (json|csv), not to DRF."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def set_consent_cookie(
    response: HttpResponse, request: HttpRequest, *, analytics: bool, marketing: bool
) -> None:
    response.set_cookie(
        CONSENT_COOKIE,
        consent_cookie_value(analytics=analytics, marketing=marketing),
        max_age=settings.PRIVACY_CONSENT_COOKIE_DAYS * 86400,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,  # consent.js reads it to decide what to load
    )


def _cross_site(request: HttpRequest) -> bool:
    return request.META.get("HTTP_SEC_FETCH_SITE", "") == "cross-site"


@extend_schema_serializer(component_name="BannerConsent")
class BannerConsentSerializer(ConsentSerializer):
    """The consent banner's choice: the one consent parser, with ``analytics`` and
    ``marketing`` required (the banner always sends both)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("require", ("analytics", "marketing"))
        kwargs.setdefault("method", "banner")
        super().__init__(*args, **kwargs)


CONSENT_STATE = inline_serializer(
    "ConsentState",
    {
        "decided": serializers.BooleanField(),
        "necessary": serializers.BooleanField(),
        "analytics": serializers.BooleanField(help_text="Effective: false under GPC/DNT."),
        "marketing": serializers.BooleanField(),
        "signal": serializers.BooleanField(help_text="Global Privacy Control or DNT sent."),
        "records": serializers.IntegerField(required=False),
    },
)


EXPORT_DOCUMENT = inline_serializer(
    "PersonalDataExport",
    {
        "format": serializers.CharField(help_text="ementech-personal-data/1"),
        "generated_at": serializers.DateTimeField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "data": serializers.DictField(
            child=serializers.ListField(child=serializers.DictField()),
            help_text="Rows held, by kind (lead, consents, interactions, messages, ...).",
        ),
    },
)
ERASED = inline_serializer(
    "LeadErased",
    {
        "erased": serializers.BooleanField(),
        "lead_id": serializers.UUIDField(),
        "deletion_log": serializers.IntegerField(
            help_text="The DeletionLog row (no personal data)."
        ),
        "counts": serializers.DictField(help_text="Rows erased or anonymised, by kind."),
    },
)


class ConsentApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    InputSerializer = BannerConsentSerializer

    @extend_schema(
        responses=CONSENT_STATE,
        summary="The banner choice in effect",
        examples=[
            OpenApiExample(
                "Not decided yet",
                value={
                    "decided": False,
                    "necessary": True,
                    "analytics": False,
                    "marketing": False,
                    "signal": False,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        state = consent_state(request)
        return Response(
            {
                "decided": state.decided,
                "necessary": True,
                "analytics": state.effective_analytics,
                "marketing": state.effective_marketing,
                "signal": state.signal,
            }
        )

    @extend_schema(
        request=BannerConsentSerializer,
        responses={200: CONSENT_STATE},
        summary="Store the banner choice (em_consent cookie; ConsentRecords if known)",
        examples=[
            OpenApiExample(
                "Analytics yes, marketing no",
                value={"analytics": True, "marketing": False, "page_url": "/pricing/"},
                request_only=True,
            ),
            OpenApiExample(
                "Stored",
                value={
                    "decided": True,
                    "necessary": True,
                    "analytics": True,
                    "marketing": False,
                    "signal": False,
                    "records": 2,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        if _cross_site(request):
            raise ApplicationError(
                "Cross-site consent changes are refused.", code=ApplicationError.FORBIDDEN
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = serializer.validated_data
        choice = services.consent_banner_record(
            ctx=context_from_request(request._request),
            analytics=consent.analytics,
            marketing=consent.marketing,
            page_url=consent.page_url,
        )
        response = Response(
            {
                "decided": True,
                "necessary": True,
                "analytics": choice.effective_analytics,
                "marketing": choice.effective_marketing,
                "signal": choice.signal,
                "records": choice.records,
            }
        )
        set_consent_cookie(
            response, request, analytics=choice.analytics, marketing=choice.marketing
        )
        return response


class DataRequestInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    type = serializers.ChoiceField(choices=DataRequest.Kind.values)


def data_request_submit(request: HttpRequest, *, email: str, kind: str) -> None:
    """Shared by the API and the HTML form; silently drops floods aimed at one address."""
    if not ratelimit.check("privacy-requests-address", email_hash(email)).allowed:
        return
    key = (request.headers.get("Idempotency-Key") or "").strip()[:64]
    services.data_request_create(email=email, kind=kind, idempotency_key=key)


class DataRequestsApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=DataRequestInput,
        responses={
            202: inline_serializer(
                "DataRequestAccepted",
                {"status": serializers.CharField(), "detail": serializers.CharField()},
            ),
            429: OpenApiResponse(description="Too many requests from this client."),
        },
        summary="Ask for an export or erasure link (same answer for every address)",
        examples=[
            OpenApiExample(
                "An export",
                value={"email": "wanjiru@acme.co.ke", "type": "export"},
                request_only=True,
            ),
            OpenApiExample("Accepted", value=ACCEPTED, response_only=True, status_codes=["202"]),
        ],
    )
    def post(self, request: Request) -> Response:
        limited = ratelimit.rate_limit(request._request, "privacy-requests")
        if limited is not None:
            return limited
        serializer = DataRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data_request_submit(request._request, email=data["email"], kind=data["type"])
        return Response(ACCEPTED, status=status.HTTP_202_ACCEPTED)


def _lead_or_404(lead_id):
    return Lead._base_manager.filter(pk=lead_id).first()


class LeadExportApi(APIView):
    permission_classes = [HasPerm.of("privacy.export_personal_data")]
    content_negotiation_class = IgnoreFormatParam

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(FORMATS), default="json")],
        responses={
            (200, "application/json"): EXPORT_DOCUMENT,
            (200, "application/zip"): OpenApiTypes.BINARY,
        },
        summary="Everything held about a lead (staff with privacy.export_personal_data)",
        description="format=json: one document; format=csv: a zip of one CSV per kind of row.",
        examples=[
            OpenApiExample(
                "JSON export",
                value={
                    "format": "ementech-personal-data/1",
                    "generated_at": "2026-12-03T16:00:00+03:00",
                    "counts": {"lead": 1, "consents": 2, "interactions": 14},
                    "data": {"lead": [{"email": "wanjiru@acme.co.ke", "name": "Wanjiru"}]},
                },
                response_only=True,
                media_type="application/json",
            )
        ],
    )
    def get(self, request: Request, lead_id) -> HttpResponse:
        fmt = request.query_params.get("format", "json")
        if fmt not in FORMATS:
            raise ApplicationError(details={"format": ["Use json or csv."]})
        lead = _lead_or_404(lead_id)
        if lead is None:
            raise ApplicationError("Not found.", code=ApplicationError.NOT_FOUND)
        data = personal_data_collect(subject_for_lead(lead))
        services.lead_export_audit(lead=lead, actor=request.user, fmt=fmt)
        body, content_type, ext = export_render(data, fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="lead-{lead.pk}.{ext}"'
        response["Cache-Control"] = "no-store"
        return response


class LeadEraseApi(APIView):
    permission_classes = [HasPerm.of("privacy.erase_personal_data")]

    @extend_schema(
        request=None,
        responses={200: ERASED, 410: OpenApiResponse(description="Already erased")},
        summary="Erase a lead's personal data (staff with privacy.erase_personal_data)",
        examples=[
            OpenApiExample(
                "Erased",
                value={
                    "erased": True,
                    "lead_id": "3f2b8c1e-6d1a-4c55-9a39-0b6f6a3c2d10",
                    "deletion_log": 17,
                    "counts": {"consents": 2, "interactions": 14, "messages": 6},
                },
                response_only=True,
            )
        ],
    )
    def delete(self, request: Request, lead_id) -> Response:
        lead = _lead_or_404(lead_id)
        if lead is None:
            raise ApplicationError("Not found.", code=ApplicationError.NOT_FOUND)
        if getattr(lead, "erased_at", None):
            raise ApplicationError("This lead has already been erased.", code=ApplicationError.GONE)
        log = services.lead_erase(
            lead=lead,
            method=DeletionLog.Method.STAFF,
            verified_by=f"staff:{request.user.pk}",
            actor=request.user,
        )
        return Response(
            {"erased": True, "lead_id": str(lead.pk), "deletion_log": log.pk, "counts": log.counts}
        )
