"""Inputs of lead capture: the consent and result types, the capture error, and the
whitelisted profile fields with how each value is checked and merged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from core import validators
from core.errors import ApplicationError
from leads import profiling
from leads.models import Lead

# --- Inputs and errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    data_processing: bool
    marketing: bool = False
    analytics: bool = False
    method: str = "checkbox"
    wording: str = ""
    page_url: str = ""
    legal_basis: str = "consent"


@dataclass(frozen=True)
class CaptureResult:
    """``lead`` is for the server's own use. When ``verified`` is False the caller only
    claimed an existing address: nothing of the lead changed and nothing about it (not even
    that it exists) may be shown to the caller."""

    lead: Lead
    created: bool
    verified: bool = True


class CaptureError(ApplicationError):
    """Invalid capture input; ``details`` is ``{field: [messages]}``."""

    def __init__(self, details: dict[str, list[str]]):
        super().__init__("Invalid input.", details)


# Profile fields a public form or a staff PATCH may set, and how each is checked.
_STR_FIELDS = {
    "name": 200,
    "company": 200,
    "role": 200,
    "phone": 40,
    "industry": 100,
    "decision_process": 500,
    "seniority": 50,
}
_CHOICE_FIELDS = {
    "company_size": {c for c, _ in Lead.CompanySize.choices},
    "budget": {c for c, _ in Lead.Budget.choices},
    "timeline": {c for c, _ in Lead.Timeline.choices},
    "authority": {c for c, _ in Lead.Authority.choices},
}
_URL_FIELDS = {"website": 300, "linkedin": 300}
# Shown to staff as names: printable, no markup (core.validators).
_DISPLAY_FIELDS = {"name", "company", "role", "industry", "seniority"}
_LIST_FIELDS = {"tech_stack", "competitors", "pain_points", "interests"}
PROFILE_FIELDS: frozenset[str] = frozenset(
    set(_STR_FIELDS) | set(_CHOICE_FIELDS) | set(_URL_FIELDS) | _LIST_FIELDS
)
# Staff may also set these through PATCH.
STAFF_FIELDS: frozenset[str] = PROFILE_FIELDS | {"outcome", "buying_stage"}
_STAFF_CHOICES = {
    "outcome": {c for c, _ in Lead.Outcome.choices},
    "buying_stage": {c for c, _ in Lead.BuyingStage.choices},
}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _clean_profile(profile: dict | None, *, allowed: frozenset[str]) -> dict[str, Any]:
    """Validated profile values (strings stripped); raises ``CaptureError``."""
    if profile is None:
        return {}
    if not isinstance(profile, dict):
        raise CaptureError({"profile": ["Must be an object."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key, value in profile.items():
        if key not in allowed:
            errors[key] = ["Unknown field."]
            continue
        if key in _LIST_FIELDS:
            if value is None:
                value = []
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not all(
                isinstance(v, str) and len(v) <= 100 for v in value
            ):
                errors[key] = ["Must be a list of short strings."]
                continue
            if len(value) > 30:
                errors[key] = ["At most 30 items."]
                continue
            clean[key] = [v.strip() for v in value if v.strip()]
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[key] = ["Must be a string."]
            continue
        value = value.strip()
        if key in _STR_FIELDS and len(value) > _STR_FIELDS[key]:
            errors[key] = [f"At most {_STR_FIELDS[key]} characters."]
        elif key in _CHOICE_FIELDS and value and value not in _CHOICE_FIELDS[key]:
            errors[key] = [
                f"Must be one of: {', '.join(sorted(c for c in _CHOICE_FIELDS[key] if c))}."
            ]
        elif key in _STAFF_CHOICES and value not in _STAFF_CHOICES[key]:
            errors[key] = [f"Must be one of: {', '.join(sorted(_STAFF_CHOICES[key]))}."]
        elif key in _URL_FIELDS and value:
            try:
                value = validators.clean_http_url(value, max_length=_URL_FIELDS[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        elif key == "phone" and value:
            try:
                value = validators.clean_phone(value)
            except ValidationError as exc:
                errors[key] = exc.messages
        elif key in _DISPLAY_FIELDS and value:
            try:
                value = validators.clean_display_text(value, max_length=_STR_FIELDS[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        if key not in errors:
            clean[key] = value
    if errors:
        raise CaptureError(errors)
    return clean


def lead_preview(*, email: str, profile: dict | None) -> Lead:
    """An unsaved lead holding only ``email`` and ``profile`` (invalid values dropped): what
    a browser that is not verified may be shown of "its" lead."""
    lead = Lead(email=email)
    try:
        clean = _clean_profile(
            {k: v for k, v in (profile or {}).items() if k in PROFILE_FIELDS},
            allowed=PROFILE_FIELDS,
        )
    except CaptureError:
        clean = {}
    _merge_profile(lead, clean)
    return lead


def _merge_profile(lead: Lead, clean: dict[str, Any]) -> list[str]:
    """Apply values to ``lead``; never replaces a known value with an empty one.
    Lists are merged (union, order kept). Returns the changed field names."""
    changed: list[str] = []
    for key, value in clean.items():
        current = getattr(lead, key)
        if key in _LIST_FIELDS:
            merged = list(current or [])
            lowered = {str(v).lower() for v in merged}
            for item in value:
                if item.lower() not in lowered:
                    merged.append(item)
                    lowered.add(item.lower())
            if merged != list(current or []):
                setattr(lead, key, merged)
                changed.append(key)
            continue
        if not profiling.is_filled(value):
            continue
        inferred = dict(lead.inferred_fields or {})
        if key in inferred:
            # The person's own answer replaces a value we had only inferred.
            inferred.pop(key)
            lead.inferred_fields = inferred
            changed.append("inferred_fields")
        if value != current:
            setattr(lead, key, value)
            changed.append(key)
    return changed
