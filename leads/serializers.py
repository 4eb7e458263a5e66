"""Output shapes of the lead API (plain functions: lists render 100 rows per request)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core import validators
from core.parsers import seed_consent
from core.serializers import StrictBooleanField, StrictCharField, StrictSerializer, StringListField
from leads import selectors
from leads.models import Lead
from leads.services.inputs import PROFILE_FIELDS, ConsentInput

LIST_FIELDS = (
    "email",
    "name",
    "company",
    "role",
    "industry",
    "company_size",
    "stage",
    "outcome",
    "buying_stage",
    "source",
    "medium",
    "campaign",
    "score",
    "grade",
)
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "phone",
    "website",
    "linkedin",
    "budget",
    "timeline",
    "decision_process",
    "authority",
    "seniority",
    "tech_stack",
    "competitors",
    "pain_points",
    "interests",
    "fit_score",
    "engagement_score",
    "score_factors",
    "profile_completeness",
    "visits",
    "page_views",
    "time_on_site_seconds",
    "avg_scroll_depth",
    "profile_extra",
    "ai_data",
    "preferences",
    "inferred_fields",
)


# The columns ``lead_summary`` reads (for ``QuerySet.only``).
SUMMARY_FIELDS: tuple[str, ...] = (*LIST_FIELDS, "last_visit_at", "updated_at")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def lead_summary(lead: Lead) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(lead.pk)}
    for field in LIST_FIELDS:
        data[field] = getattr(lead, field)
    data["assigned_to"] = (
        {"id": lead.assigned_to_id, "username": lead.assigned_to.get_username()}
        if lead.assigned_to_id
        else None
    )
    data["last_visit_at"] = _iso(lead.last_visit_at)
    data["created_at"] = _iso(lead.created_at)
    data["updated_at"] = _iso(lead.updated_at)
    return data


def lead_detail(lead: Lead) -> dict[str, Any]:
    data = lead_summary(lead)
    for field in DETAIL_FIELDS:
        data[field] = getattr(lead, field)
    for field in ("first_visit_at", "scored_at", "qualified_at"):
        data[field] = _iso(getattr(lead, field))
    return data


# --- Input and output serializers of the lead API (OpenAPI + validation) -------------------
#
# The views validate request bodies with the input serializers below (types, lengths,
# choices, phones, names, links); ``leads.services`` checks the same rules again for its
# other callers and owns the business rules (consent required, identity). The output
# serializers document the shapes the functions above build.


class _BlankChoiceField(serializers.ChoiceField):
    """A choice, or ``""``/``null`` for "not given"."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__([c for c in choices if (c[0] if isinstance(c, tuple) else c)], **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is None:
            return ""
        return super().run_validation(data)


class _DisplayText(StrictCharField, validators.DisplayTextField):
    pass


class _Phone(StrictCharField, validators.PhoneField):
    pass


class _HttpUrl(StrictCharField, validators.HttpUrlField):
    pass


def _text(max_length: int, **kwargs) -> serializers.Field:
    return StrictCharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, **kwargs
    )


@extend_schema_serializer(component_name="LeadProfile")
class LeadProfileSerializer(StrictSerializer):
    """The profile fields a form (or staff) may set; ``""``/``null`` means "not given"."""

    name = _DisplayText(max_length=200, required=False, allow_null=True)
    company = _DisplayText(max_length=200, required=False, allow_null=True)
    role = _DisplayText(max_length=200, required=False, allow_null=True)
    industry = _DisplayText(max_length=100, required=False, allow_null=True)
    seniority = _DisplayText(max_length=50, required=False, allow_null=True)
    phone = _Phone(
        required=False,
        allow_null=True,
        help_text="International (+254…) or national; stored in E.164.",
    )
    decision_process = _text(500)
    company_size = _BlankChoiceField(Lead.CompanySize.choices)
    budget = _BlankChoiceField(Lead.Budget.values)
    timeline = _BlankChoiceField(Lead.Timeline.values)
    authority = _BlankChoiceField(Lead.Authority.values)
    website = _HttpUrl(required=False, allow_null=True)
    linkedin = _HttpUrl(required=False, allow_null=True)
    tech_stack = StringListField(required=False, allow_null=True)
    competitors = StringListField(required=False, allow_null=True)
    pain_points = StringListField(required=False, allow_null=True)
    interests = StringListField(required=False, allow_null=True)


@extend_schema_serializer(component_name="LeadConsent")
class ConsentSerializer(serializers.Serializer):
    """The one consent parser: the contract's consent object as a ``ConsentInput``
    (``validated_data`` of a field of this type is a ``ConsentInput``).

    Also accepted: ``true`` (consent to data processing), ``false``, and the seed's
    ``{given, dataProcessing, marketing}`` (``given`` stands for ``data_processing`` when
    that is not sent). ``require`` names fields the caller must send (the banner sends
    ``analytics`` and ``marketing``); ``method`` and ``wording`` are what the form showed
    when the body says nothing."""

    given = StrictBooleanField(
        required=False, help_text="The seed's name for data_processing (used when it is absent)."
    )
    data_processing = StrictBooleanField(default=False)
    marketing = StrictBooleanField(default=False)
    analytics = StrictBooleanField(default=False)
    method = StrictCharField(max_length=30, allow_blank=True, default="checkbox")
    wording = StrictCharField(
        max_length=2000, allow_blank=True, default="", help_text="The text the person agreed to."
    )
    page_url = StrictCharField(max_length=2000, allow_blank=True, default="")

    def __init__(
        self,
        *args: Any,
        require: tuple[str, ...] = (),
        method: str = "checkbox",
        wording: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_method, self.default_wording = method, wording
        for name in require:
            field = self.fields[name]
            field.required, field.default = True, serializers.empty

    def to_internal_value(self, data: Any) -> Any:
        if data is False:
            data = {"data_processing": False}
        return super().to_internal_value(seed_consent(data))

    def validate(self, attrs: dict) -> ConsentInput:  # type: ignore[override]
        return ConsentInput(
            data_processing=attrs["data_processing"],
            marketing=attrs["marketing"],
            analytics=attrs["analytics"],
            method=attrs.get("method") or self.default_method,
            wording=attrs.get("wording") or self.default_wording,
            page_url=attrs.get("page_url", "")[:500],
        )


@extend_schema_serializer(component_name="LeadCaptureInput")
class CaptureInputSerializer(LeadProfileSerializer):
    """``POST /api/leads``: the envelope, then any profile fields. camelCase keys are mapped
    by the parser (``core.parsers``)."""

    email = serializers.EmailField(max_length=254)
    consent = ConsentSerializer(
        help_text="data_processing must be true (or send true, or the seed's {given: true})."
    )
    form = serializers.ChoiceField(
        choices=sorted(selectors.FORM_NAMES),
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": "Unknown form."},
        help_text="The value-exchange form submitted; next_fields are this form's.",
    )
    source = _text(100, help_text="Defaults to the form, else 'api'.")
    medium = _text(100)
    campaign = _text(200)
    page_url = _text(2000, help_text="Stored (first 500 characters) with the consent.")
    visitor_id = serializers.JSONField(
        required=False,
        help_text="Ignored: the visitor is the signed em_vid cookie's, never the body's.",
    )


@extend_schema_serializer(component_name="LeadCaptureOutput")
class CaptureOutputSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    next_fields = serializers.ListField(
        child=serializers.CharField(), help_text="The form's fields still worth asking."
    )


@extend_schema_serializer(component_name="LeadUpdateInput")
class LeadUpdateInputSerializer(LeadProfileSerializer):
    """Staff ``PATCH``: profile fields plus the sales outcome and buying stage."""

    outcome = serializers.ChoiceField(choices=Lead.Outcome.values, required=False)
    buying_stage = serializers.ChoiceField(choices=Lead.BuyingStage.values, required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": ["Send an object of fields to change."]}
            )
        return attrs


@extend_schema_serializer(component_name="LeadAssignedUser")
class _AssignedUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


@extend_schema_serializer(component_name="LeadSummary")
class LeadSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()
    company = serializers.CharField()
    role = serializers.CharField()
    industry = serializers.CharField()
    company_size = serializers.CharField()
    stage = serializers.CharField(help_text=", ".join(Lead.Stage.values))
    outcome = serializers.CharField(help_text="'', won or lost")
    buying_stage = serializers.CharField()
    source = serializers.CharField()
    medium = serializers.CharField()
    campaign = serializers.CharField()
    score = serializers.IntegerField()
    grade = serializers.CharField(help_text="A-D, or '' before the first scoring")
    assigned_to = _AssignedUserSerializer(allow_null=True)
    last_visit_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="LeadDetail")
class LeadDetailSerializer(LeadSummarySerializer):
    phone = serializers.CharField()
    website = serializers.CharField()
    linkedin = serializers.CharField()
    budget = serializers.CharField()
    timeline = serializers.CharField()
    decision_process = serializers.CharField()
    authority = serializers.CharField()
    seniority = serializers.CharField()
    tech_stack = serializers.ListField(child=serializers.CharField())
    competitors = serializers.ListField(child=serializers.CharField())
    pain_points = serializers.ListField(child=serializers.CharField())
    interests = serializers.ListField(child=serializers.CharField())
    fit_score = serializers.IntegerField()
    engagement_score = serializers.IntegerField()
    score_factors = serializers.DictField()
    profile_completeness = serializers.FloatField()
    visits = serializers.IntegerField()
    page_views = serializers.IntegerField()
    time_on_site_seconds = serializers.IntegerField()
    avg_scroll_depth = serializers.FloatField()
    profile_extra = serializers.DictField()
    ai_data = serializers.DictField()
    preferences = serializers.DictField()
    inferred_fields = serializers.DictField()
    first_visit_at = serializers.DateTimeField(allow_null=True)
    scored_at = serializers.DateTimeField(allow_null=True)
    qualified_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="LeadListPagination")
class _PaginationSerializer(serializers.Serializer):
    page = serializers.IntegerField(allow_null=True, help_text="null when paging by cursor")
    limit = serializers.IntegerField()
    total = serializers.IntegerField()
    pages = serializers.IntegerField()


@extend_schema_serializer(component_name="LeadList")
class LeadListSerializer(serializers.Serializer):
    results = LeadSummarySerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page (cursor), if any.")
    pagination = _PaginationSerializer()


@extend_schema_serializer(component_name="LeadNextFields")
class NextFieldsSerializer(serializers.Serializer):
    form = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    known = serializers.BooleanField(help_text="Whether this browser is verified for a lead.")


assert set(LeadProfileSerializer().fields) == set(PROFILE_FIELDS)
assert set(LeadSummarySerializer().fields) == {
    "id", *LIST_FIELDS, "assigned_to", "last_visit_at", "created_at", "updated_at"
}  # fmt: skip
assert set(LeadDetailSerializer().fields) == set(LeadSummarySerializer().fields) | {
    *DETAIL_FIELDS, "first_visit_at", "scored_at", "qualified_at"
}  # fmt: skip
