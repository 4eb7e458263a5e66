"""Request and response shapes of ``POST /api/track`` (OpenAPI + the envelope's validation).

The envelope (one event, or ``{"events": [...], "batch_id"?, "visitor_id"?}``) is validated
here; each event is then checked by ``analytics.validation`` (the ingestion hot path), which
refuses a batch with per-index errors (``{"events": {"0": {field: [messages]}}}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from analytics.models import CATEGORY_OF_TYPE, SERVER_ONLY_TYPES
from analytics.validation import MAX_BATCH, SCHEMAS
from core.serializers import StrictCharField, StrictSerializer

BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PUBLIC_TYPES = sorted(set(SCHEMAS) - SERVER_ONLY_TYPES)


def _properties_help() -> str:
    lines = []
    for etype in PUBLIC_TYPES:
        props = ", ".join(
            f"{name}{'*' if spec.required else ''} ({spec.kind})"
            for name, spec in SCHEMAS[etype].items()
        )
        lines.append(f"- {etype}: {props}")
    return "Per type (* required); other keys are refused:\n" + "\n".join(lines)


@extend_schema_serializer(component_name="TrackEvent")
class TrackEventSerializer(serializers.Serializer):
    """One tracked event (documentation; ``analytics.validation`` checks it)."""

    type = serializers.ChoiceField(choices=PUBLIC_TYPES)
    properties = serializers.DictField(required=False, help_text=_properties_help())
    session_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Within the last 24 hours; default now."
    )
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The seed's category; if sent, the type's own ("
        + ", ".join(sorted(set(CATEGORY_OF_TYPE.values())))
        + ").",
    )
    context = serializers.DictField(
        required=False,
        allow_null=True,
        help_text="The seed's context: its url, path, referrer and title fill the page "
        "properties not sent; agent and address come from the request.",
    )
    lead_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Send null or leave out: the lead is known from the visitor cookie.",
    )
    visitor_id = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Ignored unless sent by a server integration with a staff token; browsers "
        "are known by the signed em_vid cookie.",
    )


@extend_schema_field(TrackEventSerializer(many=True))
class _EventsField(serializers.Field):
    """The batch's events as sent; ``analytics.validation`` checks each one."""

    def to_internal_value(self, data: Any) -> Any:
        return data


@extend_schema_serializer(component_name="TrackBatch")
class TrackBatchSerializer(StrictSerializer):
    events = _EventsField(help_text=f"1 to {MAX_BATCH} events; one invalid event refuses all.")
    batch_id = StrictCharField(
        required=False,
        allow_null=True,
        min_length=8,
        max_length=64,
        validators=[RegexValidator(BATCH_ID, "8 to 64 letters, digits, '-' or '_'.")],
        help_text="The client's id for this batch: a retry with a stored id is not stored again.",
    )
    visitor_id = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text="As on an event: only a staff-token integration's counts.",
    )


class TrackInputSerializer(serializers.Serializer):
    """One event or a batch, as ``{"events", "visitor_id", "batch_id"}``."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {"non_field_errors": ['Send one event object or {"events": [...]}.']}
            )
        if "events" in data:
            batch = TrackBatchSerializer(data=data)
            batch.is_valid(raise_exception=True)
            return {
                "events": batch.validated_data["events"],
                "visitor_id": batch.validated_data.get("visitor_id"),
                "batch_id": batch.validated_data.get("batch_id") or None,
            }
        visitor_id = data.get("visitor_id")
        if visitor_id is not None and not isinstance(visitor_id, str):
            raise serializers.ValidationError({"visitor_id": ["Must be a string."]})
        return {"events": [data], "visitor_id": visitor_id, "batch_id": None}


@extend_schema_serializer(component_name="TrackAccepted")
class TrackAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events stored (or, for a retry, sent).")
    duplicate = serializers.BooleanField(
        required=False, help_text="Present (true) when the batch id was already stored."
    )


@extend_schema_serializer(component_name="TrackNotStored")
class TrackNotStoredSerializer(serializers.Serializer):
    """The privacy gate's answer without analytics consent (or under GPC/DNT): nothing is
    read or stored (``privacy.middleware``)."""

    stored = serializers.IntegerField(help_text="0")
    reason = serializers.CharField(help_text="no analytics consent")
