"""Request and response shapes of the public content API (OpenAPI + request validation).

Listings and pages are built by ``content.api.page_card`` (plain dicts, one query per
listing); the output serializers here document those shapes. The download request body is
validated by :class:`DownloadInputSerializer`; the gate's rules (which fields this visitor
must still give, consent) stay in ``content.services.download_request``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.serializers import StrictCharField
from leads.facade import ConsentSerializer


@extend_schema_serializer(component_name="ContentCard")
class ContentCardSerializer(serializers.Serializer):
    """A page in a listing; the fields after ``cover_image`` depend on ``type``."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    type = serializers.CharField(help_text="service, case_study, blog or resource")
    summary = serializers.CharField()
    industry = serializers.CharField()
    difficulty = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField(allow_null=True)
    cover_image = serializers.CharField(allow_null=True)
    resource_type = serializers.CharField(required=False, help_text="resources")
    is_gated = serializers.BooleanField(required=False, help_text="resources")
    format = serializers.CharField(required=False, help_text="resources, e.g. PDF")
    price_from = serializers.IntegerField(required=False, allow_null=True, help_text="services")
    price_to = serializers.IntegerField(required=False, allow_null=True, help_text="services")
    duration = serializers.CharField(required=False, help_text="services")
    client_name = serializers.CharField(required=False, help_text="case studies")
    company_size = serializers.CharField(required=False, help_text="case studies")
    results = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="case studies"
    )
    date = serializers.DateField(required=False, help_text="blog posts")
    author = serializers.CharField(required=False, help_text="blog posts")


@extend_schema_serializer(component_name="ContentList")
class ContentListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Pages matching the filters (before limit).")
    content = ContentCardSerializer(many=True)


class _SeoSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())


class _SectionSerializer(serializers.Serializer):
    heading = serializers.CharField()
    text = serializers.CharField()


@extend_schema_serializer(component_name="ContentPageBody")
class ContentPageSerializer(ContentCardSerializer):
    seo = _SeoSerializer()
    sections = _SectionSerializer(many=True)
    reading_minutes = serializers.IntegerField()
    value_exchange = serializers.CharField(required=False, help_text="resources")
    required_fields = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="resources: what the download form still needs from this visitor",
    )


@extend_schema_serializer(component_name="ContentDetail")
class ContentDetailSerializer(serializers.Serializer):
    content = ContentPageSerializer()
    related = ContentCardSerializer(many=True)


class _SearchResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    type = serializers.CharField()
    snippet = serializers.CharField()
    score = serializers.FloatField()


@extend_schema_serializer(component_name="SearchResults")
class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = _SearchResultSerializer(many=True)


class _RecommendationSerializer(serializers.Serializer):
    page_id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    type = serializers.CharField()
    reason = serializers.CharField(help_text="Why it is recommended, in words.")
    score = serializers.FloatField()
    slot = serializers.CharField()


@extend_schema_serializer(component_name="Recommendations")
class RecommendationsSerializer(serializers.Serializer):
    personalised = serializers.BooleanField(help_text="false: the most popular content")
    computed_at = serializers.DateTimeField(required=False, help_text="personalised feeds")
    recommendations = _RecommendationSerializer(many=True)


@extend_schema_serializer(component_name="DownloadForm")
class DownloadFormSerializer(serializers.Serializer):
    is_gated = serializers.BooleanField()
    fields = serializers.ListField(
        child=serializers.CharField(), help_text="The fields this visitor must still give."
    )
    value_exchange = serializers.CharField(help_text="What the visitor gets for them.")


def _gate_text(max_length: int) -> serializers.Field:
    return StrictCharField(max_length=max_length, required=False, allow_blank=True, allow_null=True)


@extend_schema_serializer(component_name="DownloadRequest")
class DownloadInputSerializer(serializers.Serializer):
    """The gate's fields (``GET`` says which are still needed) and consent. Values are
    checked as on lead capture (phones, names, company sizes)."""

    email = serializers.EmailField(max_length=254, required=False)
    name = _gate_text(200)
    company = _gate_text(200)
    role = _gate_text(200)
    company_size = _gate_text(20)
    industry = _gate_text(100)
    phone = _gate_text(40)
    consent = ConsentSerializer(
        required=False,
        allow_null=True,
        help_text="data_processing must be true when any field is asked.",
    )


@extend_schema_serializer(component_name="DownloadLink")
class DownloadLinkSerializer(serializers.Serializer):
    download_url = serializers.URLField(help_text="Signed; works until expires_at.")
    expires_at = serializers.DateTimeField()
    emailed = serializers.BooleanField(help_text="Whether the link was also emailed.")
