"""OpenAPI schema generation for the public contract under ``/api/``.

Views follow the style guide's nested ``InputSerializer``/``OutputSerializer`` on plain
``APIView``s; ``ContractAutoSchema`` reads those, so every operation is documented without
repeating ``@extend_schema`` on each view (explicit decorators still win). Operation ids
come from the path and method, so they are unique by construction.
"""

from __future__ import annotations

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes

_WRITE_METHODS = {"POST", "PUT", "PATCH"}
_PARAM = re.compile(r"^\{(\w+)\}$")
_PROJECT_APPS = {
    "leads", "content", "events", "chat", "analytics", "privacy", "scoring", "nurture", "tools",
}  # fmt: skip


def only_api_paths(endpoints: list[tuple], **kwargs) -> list[tuple]:
    """drf-spectacular preprocessing hook: drop Wagtail's internal admin API endpoints."""
    return [e for e in endpoints if e[0].startswith("/api/")]


class ContractAutoSchema(AutoSchema):
    def _declares_serializer(self) -> bool:
        view = self.view
        declared = getattr(view, "serializer_class", None)
        return bool(declared) or hasattr(view, "get_serializer_class")

    def get_request_serializer(self):
        nested = getattr(self.view, "InputSerializer", None)
        if nested is not None and self.method in _WRITE_METHODS:
            return nested
        if not self._declares_serializer():
            return OpenApiTypes.OBJECT if self.method in _WRITE_METHODS else None
        return super().get_request_serializer()

    def get_response_serializers(self):
        nested = getattr(self.view, "OutputSerializer", None)
        if nested is not None:
            return nested
        if not self._declares_serializer():
            return OpenApiTypes.OBJECT
        return super().get_response_serializers()

    def get_serializer_name(self, serializer, direction) -> str:
        """Nested ``RoiApi.InputSerializer`` becomes component ``RoiInput``, not ``Input``."""
        qualname = type(serializer).__qualname__
        parts = qualname.split(".")
        if len(parts) >= 2:
            outer = parts[-2]
            for suffix in ("Api", "API", "View"):
                outer = outer.removesuffix(suffix)
            return outer + parts[-1].removesuffix("Serializer")
        app = type(serializer).__module__.split(".")[0]
        if app in _PROJECT_APPS:
            # Module-level serializers: prefix the app so leads' and events' "Consent" differ.
            return app.title() + qualname.removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)

    def get_operation_id(self) -> str:
        tokens = []
        for part in self.path.strip("/").split("/"):
            if part in ("", "api"):
                continue
            match = _PARAM.match(part)
            tokens.append(f"by_{match.group(1)}" if match else part.replace("-", "_"))
        return "_".join([*tokens, self.method.lower()])


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a summary and the messages per field.",
    "properties": {
        "error": {"type": "string", "example": "Invalid input."},
        "details": {
            "type": "object",
            "additionalProperties": True,
            "description": "{field: [messages]}; empty when the error has no field.",
            "example": {"email": ["Enter a valid email address."]},
        },
    },
    "required": ["error", "details"],
}
_ERROR_DESCRIPTIONS = {
    "400": "Invalid input (including a body that is not a JSON object, nested too deep, or "
    "holding NUL characters, unpaired surrogates or overlong strings).",
    "401": "Authentication credentials were not provided or are invalid.",
    "403": "Not allowed (missing permission, or CSRF).",
    "404": "Not found.",
    "413": "Request body too large.",
    "415": "Unsupported media type (send application/json).",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: every operation documents the contract's error
    responses (``{"error", "details"}``) it can answer with, so clients and fuzzers know them.

    400, 403, 404 and 429 apply to every operation (bad input or query, permission or CSRF,
    unknown ids, the rate limiter); 401 to those that take credentials; 413 and 415 to those
    with a body.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    retry_after = {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds until the limit resets.",
        }
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["400", "403", "404", "429"]
            if operation.get("security") and operation["security"] != [{}]:
                codes.append("401")
            if "requestBody" in operation:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if code in responses:
                    if code == "429":
                        responses[code].setdefault("headers", retry_after)
                    continue
                entry = {
                    "description": _ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}},
                }
                if code == "429":
                    entry["headers"] = retry_after
                responses[code] = entry
    return result
