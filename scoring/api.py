"""API of the scoring app: ``POST /api/leads/{id}/score`` (staff) rescores one lead now and
returns its score, grade, fit and engagement sub-scores, the factors and next-best actions;
under an active learned model also its conversion probability."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import HasPerm
from scoring import services


class LeadScoreApi(APIView):
    # Rescoring writes the lead's score: a change permission, not a view one (Ops is read-only).
    permission_classes = [HasPerm.of("leads.change_lead")]

    class FactorSerializer(serializers.Serializer):
        feature = serializers.CharField()
        label = serializers.CharField()
        group = serializers.CharField()
        # Rules: the feature's value in 0..1. Learned model: the raw attribute as recorded
        # (a category such as "51-200", a count, days, or a list of interests).
        value = serializers.JSONField(allow_null=True)
        weight = serializers.FloatField(allow_null=True)
        points = serializers.FloatField()

    class ActionSerializer(serializers.Serializer):
        priority = serializers.IntegerField()
        action = serializers.CharField()
        reason = serializers.CharField(allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        lead_id = serializers.UUIDField()
        score = serializers.IntegerField()
        grade = serializers.CharField()
        fit = serializers.IntegerField()
        engagement = serializers.IntegerField()
        model = serializers.CharField()
        probability = serializers.FloatField(
            allow_null=True,
            help_text="The learned model's calibrated probability of winning (null under the "
            "rules, whose score is not a probability).",
        )
        baseline = serializers.FloatField(allow_null=True)
        decay = serializers.FloatField()
        inactive_days = serializers.FloatField()
        changed = serializers.BooleanField()
        previous_score = serializers.IntegerField(allow_null=True)
        previous_grade = serializers.CharField(allow_blank=True)
        factors = serializers.ListField(child=serializers.DictField())
        actions = serializers.ListField(child=serializers.DictField())
        actions_source = serializers.CharField()

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        summary="Staff: rescore one lead now (no body); factors and next-best actions",
        examples=[
            OpenApiExample(
                "Rescored",
                value={
                    "lead_id": "3f2b8c1e-6d1a-4c55-9a39-0b6f6a3c2d10",
                    "score": 72,
                    "grade": "B",
                    "fit": 30,
                    "engagement": 42,
                    "model": "rules",
                    "probability": None,
                    "baseline": None,
                    "decay": 1.0,
                    "inactive_days": 2.0,
                    "changed": True,
                    "previous_score": 64,
                    "previous_grade": "B",
                    "factors": [
                        {
                            "feature": "pricing_views",
                            "label": "Viewed pricing",
                            "group": "engagement",
                            "value": 3,
                            "weight": 5,
                            "points": 15,
                        }
                    ],
                    "actions": [
                        {"priority": 1, "action": "Call within 24 hours", "reason": "Grade B"}
                    ],
                    "actions_source": "rules",
                },
                response_only=True,
            )
        ],
    )
    def post(self, request, lead_id):
        from leads.facade import Lead

        try:
            outcome = services.lead_rescore(lead_id=lead_id, reason="api", with_actions=True)
        except Lead.DoesNotExist as exc:
            raise NotFound("Lead not found.") from exc
        data = {
            "lead_id": outcome.lead_id,
            "score": outcome.score,
            "grade": outcome.grade,
            "fit": outcome.fit,
            "engagement": outcome.engagement,
            "model": outcome.model,
            "probability": outcome.factors.get("probability"),
            "baseline": outcome.factors.get("baseline"),
            "decay": outcome.factors.get("decay", 1.0),
            "inactive_days": outcome.factors.get("inactive_days", 0.0),
            "changed": outcome.changed,
            "previous_score": outcome.previous_score,
            "previous_grade": outcome.previous_grade,
            "factors": outcome.explained(),
            "actions": outcome.actions.get("actions", []),
            "actions_source": outcome.actions.get("source", "rules"),
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_200_OK)
