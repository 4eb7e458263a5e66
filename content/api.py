"""Public content API: listings, one page (counts a view), hybrid search,
recommendations, and the gated-download request."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from content import selectors, services
from content.models import Difficulty, EngagementKind, Industry
from content.serializers import (
    ContentDetailSerializer,
    ContentListSerializer,
    DownloadFormSerializer,
    DownloadInputSerializer,
    DownloadLinkSerializer,
    RecommendationsSerializer,
    SearchResultsSerializer,
)
from core.context import context_from_request
from core.errors import ApplicationError
from core.ratelimit import rate_limit

CARD_EXAMPLE = {
    "id": 42,
    "slug": "ai-readiness-checklist",
    "title": "AI readiness checklist",
    "url": "/resources/ai-readiness-checklist/",
    "type": "resource",
    "summary": "Twenty questions to ask before your first AI project.",
    "industry": "fintech",
    "difficulty": "beginner",
    "topics": ["ai-strategy"],
    "tags": ["checklist"],
    "published_at": "2026-10-02T08:00:00+03:00",
    "cover_image": None,
    "resource_type": "checklist",
    "is_gated": True,
    "format": "PDF",
}


def page_card(page) -> dict:
    """The fields every content listing shows."""
    data = {
        "id": page.pk,
        "slug": page.slug,
        "title": page.title,
        "url": page.get_url() or page.url_path,
        "type": page.content_kind,
        "summary": page.summary,
        "industry": page.industry,
        "difficulty": page.difficulty,
        "topics": [t.slug for t in page.topics.all()],
        "tags": [t.name for t in page.tags.all()],
        "published_at": page.first_published_at.isoformat() if page.first_published_at else None,
        "cover_image": page.cover_image.file.url if page.cover_image_id else None,
    }
    if page.content_kind == "resource":
        data.update(
            resource_type=page.resource_type, is_gated=page.is_gated, format=page.file_format
        )
    if page.content_kind == "service":
        data.update(price_from=page.price_from, price_to=page.price_to, duration=page.duration)
    if page.content_kind == "case_study":
        data.update(
            client_name=page.client_name,
            company_size=page.company_size,
            results=[dict(b.value) for b in page.results],
        )
    if page.content_kind == "blog":
        data.update(date=page.date.isoformat(), author=page.author)
    return data


class ContentListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class FilterSerializer(serializers.Serializer):
        type = serializers.ChoiceField(
            choices=["service", "case_study", "blog", "resource"], required=False
        )
        topic = serializers.SlugField(required=False)
        industry = serializers.ChoiceField(choices=Industry.values, required=False)
        difficulty = serializers.ChoiceField(choices=Difficulty.values, required=False)
        gated = serializers.BooleanField(required=False, allow_null=True, default=None)
        limit = serializers.IntegerField(min_value=1, max_value=100, default=20)

    @extend_schema(
        parameters=[FilterSerializer],
        summary="List published content",
        responses={200: ContentListSerializer},
        examples=[
            OpenApiExample(
                "Resources", value={"count": 1, "content": [CARD_EXAMPLE]}, response_only=True
            )
        ],
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        limit = data.pop("limit")
        pages = selectors.content_list(filters=selectors.ContentFilters(**data))
        return Response({"count": len(pages), "content": [page_card(p) for p in pages[:limit]]})


class ContentDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="One content page (counts a view) with related content",
        responses={200: ContentDetailSerializer},
        examples=[
            OpenApiExample(
                "A gated resource",
                value={
                    "content": {
                        **CARD_EXAMPLE,
                        "seo": {
                            "title": "AI readiness checklist",
                            "description": "Twenty questions before your first AI project.",
                            "keywords": ["ai", "checklist"],
                        },
                        "sections": [{"heading": "Data", "text": "Where does it live?"}],
                        "reading_minutes": 4,
                        "value_exchange": "Get the checklist as a PDF.",
                        "required_fields": ["email", "company"],
                    },
                    "related": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str):
        from content.text import page_sections

        page = selectors.content_get(slug=slug)
        if page is None:
            raise ApplicationError("Content not found.", code=ApplicationError.NOT_FOUND)
        lead, visitor = selectors.request_subject(request)
        services.engagement_record(
            page_id=page.pk, kind=EngagementKind.VIEW, visitor=visitor, lead=lead
        )
        data = page_card(page)
        data["seo"] = {
            "title": page.seo_title or page.title,
            "description": page.seo_description,
            "keywords": [k.strip() for k in page.seo_keywords.split(",") if k.strip()],
        }
        data["sections"] = [{"heading": h, "text": t} for h, t in page_sections(page)]
        data["reading_minutes"] = page.reading_minutes
        if page.content_kind == "resource":
            data["value_exchange"] = page.value_exchange
            data["required_fields"] = services.gate_fields_to_ask(
                page=page,
                lead=lead,
                fields=selectors.download_field_set(page=page, request=request, lead=lead),
            )
        related = [page_card(p) for p in selectors.related_pages(page)]
        return Response({"content": data, "related": related})


class SearchApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=300, trim_whitespace=True)
        type = serializers.ChoiceField(
            choices=[
                "service",
                "case_study",
                "blog",
                "resource",
                "event",
                "page",
                "faq",
                "catalogue",
            ],
            required=False,
        )
        industry = serializers.ChoiceField(choices=Industry.values, required=False)
        k = serializers.IntegerField(min_value=1, max_value=50, default=10)

    @extend_schema(
        parameters=[InputSerializer],
        summary="Hybrid knowledge search",
        responses={200: SearchResultsSerializer},
        examples=[
            OpenApiExample(
                "Results",
                value={
                    "query": "fraud detection",
                    "results": [
                        {
                            "title": "Fraud detection for a Nairobi lender",
                            "url": "/case-studies/fraud-detection/",
                            "type": "case_study",
                            "snippet": "…cut fraud losses by 94% in six months…",
                            "score": 0.82,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        limited = rate_limit(request._request, "search")
        if limited is not None:
            return limited
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = {key: data[key] for key in ("type", "industry") if key in data}
        results = selectors.search(data["q"], filters=filters, k=data["k"])
        return Response(
            {
                "query": data["q"],
                "results": [
                    {
                        "title": r.title,
                        "url": r.url,
                        "type": r.type,
                        "snippet": r.snippet,
                        "score": r.score,
                    }
                    for r in results
                ],
            }
        )


class RecommendationsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Recommendations for the current visitor or lead, with reasons",
        responses={200: RecommendationsSerializer},
        examples=[
            OpenApiExample(
                "Popular (no history yet)",
                value={
                    "personalised": False,
                    "recommendations": [
                        {
                            "page_id": 42,
                            "title": "AI readiness checklist",
                            "url": "/resources/ai-readiness-checklist/",
                            "type": "resource",
                            "reason": "Popular with visitors this month",
                            "score": 0.61,
                            "slot": "recommended",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        from content.recommendations import popular

        lead, visitor = selectors.request_subject(request)
        feed = selectors.feed_for(lead=lead, visitor=visitor)
        if feed is None and (lead is not None or visitor is not None):
            key = services.subject_key_for(lead=lead, visitor=visitor)
            refreshed = services.feed_refresh(subject_key=key)
            feed = refreshed if refreshed.items else None
        if feed is None:
            return Response(
                {"personalised": False, "recommendations": [i.as_dict() for i in popular()]}
            )
        return Response(
            {
                "personalised": True,
                "computed_at": feed.computed_at.isoformat(),
                "recommendations": feed.items,
            }
        )


class DownloadApi(APIView):
    """GET: what the download form must still ask. POST: submit it, get the link."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def _page(self, slug: str):
        from content.models import ResourcePage

        return ResourcePage.objects.live().public().filter(slug=slug).first()

    @extend_schema(
        summary="Fields the download form still needs from this visitor",
        responses={200: DownloadFormSerializer},
        examples=[
            OpenApiExample(
                "An unknown visitor",
                value={
                    "is_gated": True,
                    "fields": ["email", "company"],
                    "value_exchange": "Get the checklist as a PDF.",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str):
        page = self._page(slug)
        if page is None:
            raise ApplicationError("Resource not found.", code=ApplicationError.NOT_FOUND)
        lead, _visitor = selectors.request_subject(request)
        fields = selectors.download_field_set(page=page, request=request, lead=lead)
        return Response(
            {
                "is_gated": page.is_gated,
                "fields": services.gate_fields_to_ask(page=page, lead=lead, fields=fields),
                "value_exchange": page.value_exchange,
            }
        )

    @extend_schema(
        summary="Request a signed, expiring download link (emailed too)",
        description=(
            "Send the fields GET says are still needed, with consent when any is. 201 with "
            "the link; 409 when the resource has no document yet."
        ),
        request=DownloadInputSerializer,
        responses={201: DownloadLinkSerializer},
        examples=[
            OpenApiExample(
                "Email and company, with consent",
                value={
                    "email": "wanjiru@acme.co.ke",
                    "company": "Acme Ltd",
                    "consent": {"data_processing": True, "marketing": False},
                },
                request_only=True,
            ),
            OpenApiExample(
                "The link",
                value={
                    "download_url": "https://ementech.co.ke/content/download/eyJnIjo0Mn0:1t…",
                    "expires_at": "2026-12-04T16:00:00+03:00",
                    "emailed": True,
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, slug: str):
        limited = rate_limit(request._request, "download")
        if limited is not None:
            return limited
        page = self._page(slug)
        if page is None:
            raise ApplicationError("Resource not found.", code=ApplicationError.NOT_FOUND)
        body = DownloadInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead, visitor = selectors.request_subject(request)
        link = services.download_request(
            page=page,
            data=body.validated_data,
            visitor=visitor,
            lead=lead,
            ctx=context_from_request(request._request),
            # The form variant from the signed visitor cookie; the body cannot choose it.
            fields=selectors.download_field_set(page=page, request=request, lead=lead, submit=True),
        )
        return Response(
            {
                "download_url": link.url,
                "expires_at": link.expires_at.isoformat(),
                "emailed": link.lead_id is not None,
            },
            status=201,
        )
