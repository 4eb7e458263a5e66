"""Response shapes of the public newsletter API, for OpenAPI (the views build dicts)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class _NewsletterSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    frequency = serializers.CharField()
    audience = serializers.CharField()
    sample_content = serializers.CharField()


@extend_schema_serializer(component_name="NewsletterLists")
class NewsletterListsSerializer(serializers.Serializer):
    newsletters = _NewsletterSerializer(many=True)
    consent_wording = serializers.CharField(help_text="Show it next to the sign-up button.")


@extend_schema_serializer(component_name="NewsletterSubscribed")
class NewsletterSubscribedSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="confirmation_sent, whatever the address's state")
    message = serializers.CharField()
