"""Response shapes of the tools API (ROI, assessment, smart fill, exit offers), for OpenAPI.

Request bodies are validated by the nested ``InputSerializer`` of each view in
``tools.api``; the views build their answers as dicts, and these document them.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class _AssumptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField()


@extend_schema_serializer(component_name="RoiResult")
class RoiResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The result page: /tools/results/{id}.")
    inputs = serializers.DictField(help_text="The inputs as used.")
    result = serializers.DictField(
        help_text="annual_savings, time_to_value_weeks, confidence and the figures behind them."
    )
    assumptions = _AssumptionSerializer(many=True)
    formula = serializers.CharField(help_text="How the projection is computed, in words.")
    emailed = serializers.BooleanField()


class _OptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class _QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    dimension = serializers.CharField()
    text = serializers.CharField()
    options = _OptionSerializer(many=True)


@extend_schema_serializer(component_name="AssessmentQuestions")
class AssessmentQuestionsSerializer(serializers.Serializer):
    dimensions = serializers.DictField(child=serializers.CharField(), help_text="key: label")
    questions = _QuestionSerializer(many=True)


class _PhaseSerializer(serializers.Serializer):
    phase = serializers.CharField()
    title = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="AssessmentResult")
class AssessmentResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    dimensions = serializers.DictField(
        child=serializers.IntegerField(), help_text="Score per dimension, 0-100."
    )
    overall = serializers.IntegerField()
    level = serializers.CharField()
    roadmap = _PhaseSerializer(many=True)
    next_steps = serializers.ListField(child=serializers.CharField())
    focus = serializers.ListField(child=serializers.CharField())
    method = serializers.CharField(help_text="llm or rules")
    chart_url = serializers.CharField()
    emailed = serializers.BooleanField()


@extend_schema_serializer(component_name="ResultEmailSent")
class ResultEmailSentSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="sent")


@extend_schema_serializer(component_name="FormExtract")
class FormExtractSerializer(serializers.Serializer):
    fields = serializers.DictField(
        child=serializers.CharField(), help_text="Field name: value read from the text."
    )
    labels = serializers.DictField(child=serializers.CharField(), help_text="Values to show.")
    method = serializers.CharField(help_text="llm or rules")
    needs_confirmation = serializers.BooleanField()


@extend_schema_serializer(component_name="ExitOffer")
class ExitOfferSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Report the outcome to /api/offers/exit-intent/{id}.")
    offer = serializers.CharField()
    chosen_by = serializers.CharField(help_text="llm or rules")
    title = serializers.CharField()
    description = serializers.CharField()
    cta_label = serializers.CharField()
    cta_url = serializers.CharField()


@extend_schema_serializer(component_name="ExitOfferOutcome")
class ExitOfferOutcomeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    outcome = serializers.CharField()


class _OfferStatsSerializer(serializers.Serializer):
    offer = serializers.CharField()
    shown = serializers.IntegerField()
    dismissed = serializers.IntegerField()
    accepted = serializers.IntegerField()
    converted = serializers.IntegerField()
    by_llm = serializers.IntegerField()
    engagement_rate = serializers.FloatField()
    conversion_rate = serializers.FloatField()


@extend_schema_serializer(component_name="ExitOfferStats")
class ExitOfferStatsSerializer(serializers.Serializer):
    offers = _OfferStatsSerializer(many=True)
