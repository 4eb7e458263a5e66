"""Serializer building blocks for the API's input bodies (strict JSON, the contract's errors).

DRF's defaults are lenient in ways a public JSON API should not be: unknown keys are dropped
silently, ``CharField`` turns ``123`` into ``"123"`` and ``BooleanField`` reads ``"yes"`` as
true. These refuse instead, with ``{field: [message]}`` errors that ``core.errors`` renders
in the contract's shape:

- :class:`StrictSerializer` refuses keys it does not declare (``{"key": ["Unknown field."]}``);
- :class:`StrictCharField` takes only JSON strings (``null`` as blank when allowed);
- :class:`StrictBooleanField` takes only ``true``/``false``;
- :class:`StringListField` takes a list of short strings, or one comma-separated string.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field."


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses undeclared keys (per key: ``Unknown field.``)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string only (``null`` reads as ``""`` when ``allow_null``)."""

    default_error_messages = {"invalid": "Must be a string."}

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is None and self.allow_null:
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if data is True or data is False:
            return data
        self.fail("invalid")
        return False  # pragma: no cover - fail raises


@extend_schema_field({"type": "array", "items": {"type": "string", "maxLength": 100}})
class StringListField(serializers.Field):
    """A list of short strings, or one comma-separated string; blanks are dropped."""

    default_error_messages = {
        "invalid": "Must be a list of short strings.",
        "too_many": "At most {max_items} items.",
    }

    def __init__(self, *, max_items: int = 30, max_item_length: int = 100, **kwargs):
        self.max_items = max_items
        self.max_item_length = max_item_length
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is None:
            return []
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = data.split(",")
        if not isinstance(data, list) or not all(
            isinstance(v, str) and len(v) <= self.max_item_length for v in data
        ):
            self.fail("invalid")
        items = [v.strip() for v in data if v.strip()]
        if len(items) > self.max_items:
            self.fail("too_many", max_items=self.max_items)
        return items

    def to_representation(self, value: Any) -> list[str]:
        return list(value or [])
