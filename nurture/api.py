"""Public nurture API: newsletter sign-up, the lists, one-click unsubscribe.

- ``GET /api/newsletter/lists``: the active lists and the consent wording shown at sign-up.
- ``POST /api/newsletter/subscribe`` ``{"email", "newsletters"?: [slug], "page_url"?}``:
  202 whatever the address's state (no membership is revealed); a confirmation email goes
  out when something is pending.
- ``POST /api/newsletter/unsubscribe/<token>``: RFC 8058 one-click (form body
  ``List-Unsubscribe=One-Click`` or empty); ``GET`` shows a page with the button.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.ratelimit import rate_limit
from nurture import services
from nurture.models import Newsletter
from nurture.serializers import NewsletterListsSerializer, NewsletterSubscribedSerializer


class NewsletterListsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="The active newsletters and the consent wording shown at sign-up",
        responses={200: NewsletterListsSerializer},
        examples=[
            OpenApiExample(
                "One list",
                value={
                    "newsletters": [
                        {
                            "slug": "ai-digest",
                            "name": "The AI Digest",
                            "description": "Practical AI for African businesses.",
                            "frequency": "monthly",
                            "audience": "Founders and CTOs",
                            "sample_content": "How a Nairobi lender cut fraud by 94%",
                        }
                    ],
                    "consent_wording": "Send me The AI Digest. I can unsubscribe at any time.",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        lists = list(Newsletter.objects.filter(is_active=True))
        return Response(
            {
                "newsletters": [
                    {
                        "slug": n.slug,
                        "name": n.name,
                        "description": n.description,
                        "frequency": n.frequency,
                        "audience": n.audience,
                        "sample_content": n.sample_content,
                    }
                    for n in lists
                ],
                "consent_wording": services.consent_wording_for(lists),
            }
        )


class NewsletterSubscribeApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        newsletters = serializers.ListField(
            child=serializers.SlugField(max_length=60), required=False, max_length=10
        )
        page_url = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(
        summary="Subscribe (double opt-in): 202 whatever the address's state",
        responses={202: NewsletterSubscribedSerializer},
        examples=[
            OpenApiExample(
                "Sign up",
                value={"email": "wanjiru@acme.co.ke", "newsletters": ["ai-digest"]},
                request_only=True,
            ),
            OpenApiExample(
                "Pending confirmation",
                value={
                    "status": "confirmation_sent",
                    "message": "Check your inbox: click the link in our email to confirm.",
                },
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        blocked = rate_limit(request, "newsletter-subscribe")
        if blocked is not None:
            return blocked
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.newsletter_subscribe(
            email=data.validated_data["email"],
            newsletters=data.validated_data.get("newsletters") or None,
            page_url=data.validated_data.get("page_url", ""),
        )
        return Response(
            {
                "status": "confirmation_sent",
                "message": "Check your inbox: click the link in our email to confirm.",
            },
            status=status.HTTP_202_ACCEPTED,
        )


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """One-click unsubscribe. POST unsubscribes (mail clients do it from the header)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        target = services.unsubscribe_target(token)
        if target is None:
            return render(request, "nurture/link_invalid.html", status=404)
        subscriber, newsletter = target
        return render(
            request,
            "nurture/unsubscribe.html",
            {"subscriber": subscriber, "newsletter": newsletter, "done": False},
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        target = services.unsubscribe_target(token)
        if target is None:
            raise ApplicationError("Unknown or invalid link.", code=ApplicationError.NOT_FOUND)
        subscriber, newsletter = target
        services.newsletter_unsubscribe(subscriber=subscriber, newsletter=newsletter)
        return render(
            request,
            "nurture/unsubscribe.html",
            {
                "subscriber": subscriber,
                "newsletter": newsletter,
                "done": True,
                "preferences_url": services.preferences_url(subscriber),
            },
        )
