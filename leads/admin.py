"""Django admin for Sales: lead list (filters, search, score/grade), a lead page with the
full timeline, and audited actions (assign, change stage, CSV export). Deleting a lead here
is a soft delete; consent records, visitors and the audit log are read-only."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminTextareaWidget

from core.permissions import is_read_only
from core.timefmt import local_datetime
from integrations.admin import CrmLinkInline, SyncConflictInline  # TODO(facade)
from leads import selectors, services
from leads.models import ConsentRecord, Lead, LeadAudit, SalesNotification, Visitor
from leads.services.identity import UNVERIFIED_SUBMISSION, unverified_submission_accept
from predictions.admin import lead_predictions
from privacy.admin import erase_leads_action
from scoring.admin import ScoreHistoryInline, why_this_score

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_FIELDS = (
    "id",
    "email",
    "name",
    "company",
    "role",
    "phone",
    "industry",
    "company_size",
    "stage",
    "grade",
    "score",
    "source",
    "assigned_to",
    "created_at",
)


def csv_safe(value: Any) -> str:
    """A cell that a spreadsheet will not evaluate: formula-like text gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def sales_users():
    return (
        get_user_model()
        .objects.filter(groups__name=services.SALES_GROUP, is_active=True)
        .order_by("username")
        .distinct()
    )


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = sales_users()


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Lead.Stage.choices)


# Lists kept as JSON (pain points, stack...): two rows are enough for what a lead tells us.
JSON_LIST_FIELDS = ("pain_points", "interests", "tech_stack", "competitors")


class LeadAdminForm(forms.ModelForm):
    class Meta:
        model = Lead
        fields = sorted(services.STAFF_FIELDS)
        widgets = {
            name: UnfoldAdminTextareaWidget(attrs={"rows": 2})
            for name in JSON_LIST_FIELDS
            if name in services.STAFF_FIELDS
        }


class IndustryFilter(admin.SimpleListFilter):
    """Industry facet, case-insensitive: "Fintech" and "fintech" are one choice."""

    title = "industry"
    parameter_name = "industry"

    def lookups(self, request, model_admin):
        from django.db.models.functions import Lower

        values = (
            model_admin.get_queryset(request)
            .exclude(industry="")
            .annotate(key=Lower("industry"))
            .values_list("key", flat=True)
            .distinct()
            .order_by("key")
        )
        return [(v, v[:1].upper() + v[1:]) for v in values]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(industry__iexact=self.value())
        return queryset


@admin.register(Lead)
class LeadAdmin(ModelAdmin):
    # Other apps' parts of the lead page, composed here: HubSpot sync status and conflicts
    # (integrations), score history and "Why this score" (scoring), erasure (privacy).
    inlines = [CrmLinkInline, SyncConflictInline, ScoreHistoryInline]
    form = LeadAdminForm
    # Seven columns fit a 1366 px screen beside the sidebar (filters open in a side panel).
    list_display = (
        "who",
        "grade_score",
        "stage",
        "source",
        "industry",
        "assigned_to",
        "last_visit",
    )
    list_display_links = ("who",)
    list_filter = ("stage", "grade", "source", IndustryFilter, "assigned_to", "outcome")
    search_fields = ("email", "name", "company")
    list_select_related = ("assigned_to",)
    list_per_page = 50
    show_full_result_count = False
    ordering = ("-created_at", "-id")
    actions = ("assign_leads", "change_stage", "export_csv", erase_leads_action)
    readonly_fields = (
        "id",
        "email",
        "stage",
        "assigned_to",
        "score",
        "grade",
        "fit_score",
        "engagement_score",
        "profile_completeness",
        "visits",
        "page_views",
        "time_on_site_seconds",
        "avg_scroll_depth",
        "first_visit_at",
        "last_visit_at",
        "medium",
        "campaign",
        "qualified_at",
        "scored_at",
        "created_at",
        "updated_at",
        why_this_score,
        lead_predictions,
    )
    fieldsets = (
        (None, {"fields": ("id", "email", "name", "stage", "outcome", "assigned_to")}),
        (
            "Profile",
            {
                "classes": ["tab"],
                "fields": (
                    "company",
                    "role",
                    "seniority",
                    "phone",
                    "company_size",
                    "industry",
                    "website",
                    "linkedin",
                    "pain_points",
                    "interests",
                ),
            },
        ),
        (
            "Qualification",
            {
                "classes": ["tab"],
                "fields": (
                    "budget",
                    "timeline",
                    "decision_process",
                    "authority",
                    "tech_stack",
                    "competitors",
                    "buying_stage",
                    "score",
                    "grade",
                    "fit_score",
                    "engagement_score",
                    "profile_completeness",
                    "qualified_at",
                    "scored_at",
                ),
            },
        ),
        (
            "Behaviour",
            {
                "classes": ["tab"],
                "fields": (
                    "visits",
                    "page_views",
                    "time_on_site_seconds",
                    "avg_scroll_depth",
                    "first_visit_at",
                    "last_visit_at",
                    "medium",
                    "campaign",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
        ("Why this score", {"classes": ["tab"], "fields": (why_this_score,)}),
        ("Predictions", {"classes": ["tab"], "fields": (lead_predictions,)}),
    )

    @admin.display(description="Lead", ordering="email")
    def who(self, obj: Lead) -> str:
        from django.utils.html import format_html

        detail = " · ".join(x for x in (obj.email if obj.name else "", obj.company) if x)
        return format_html(
            "<strong>{}</strong><br><small>{}</small>", obj.name or obj.email, detail
        )

    @admin.display(description="Score", ordering="-score")
    def grade_score(self, obj: Lead) -> str:
        from django.utils.html import format_html

        if not obj.grade:
            return "–"
        return format_html(
            '<span class="bo-grade bo-grade-{}" title="Grade {}">{}</span>{}',
            obj.grade,
            obj.grade,
            obj.grade,
            obj.score,
        )

    @admin.display(description="Last visit", ordering="last_visit_at")
    def last_visit(self, obj: Lead) -> str:
        return local_datetime(obj.last_visit_at) or "–"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # leads arrive through capture (forms, chat, events, API)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        lead = Lead.objects.filter(pk=object_id).first() if _is_uuid(object_id) else None
        if lead is not None and self.has_view_permission(request, lead):
            extra_context["timeline"] = timeline_for_display(selectors.lead_timeline(lead=lead))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:  # pragma: no cover - adding is disabled
            return super().save_model(request, obj, form, change)
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        services.lead_update(lead=obj, data=data, actor=request.user)

    def get_deleted_objects(self, objs, request):
        """Deleting here is soft: nothing else is removed, so list only the leads."""
        objs = list(objs)
        perms_needed = set() if self.has_delete_permission(request) else {"lead"}
        return [str(o) for o in objs], {"leads": len(objs)}, perms_needed, []

    def delete_model(self, request, obj):
        services.lead_soft_delete(lead=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for lead in queryset:
            services.lead_soft_delete(lead=lead, actor=request.user)

    def _action_form(self, request, queryset, form, title: str, action: str):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/leads/lead/action_form.html", context)

    @admin.action(description="Assign selected leads to a salesperson", permissions=["change"])
    def assign_leads(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            user = form.cleaned_data["user"]
            for lead in queryset:
                services.lead_assign(lead=lead, user=user, actor=request.user)
            self.message_user(
                request, f"{queryset.count()} lead(s) assigned to {user}.", messages.SUCCESS
            )
            return None
        return self._action_form(request, queryset, form, "Assign leads", "assign_leads")

    @admin.action(description="Change stage of selected leads", permissions=["change"])
    def change_stage(self, request, queryset):
        form = StageForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            stage = form.cleaned_data["stage"]
            for lead in queryset:
                services.lead_change_stage(lead=lead, stage=stage, actor=request.user)
            self.message_user(
                request, f"{queryset.count()} lead(s) moved to {stage}.", messages.SUCCESS
            )
            return None
        return self._action_form(request, queryset, form, "Change stage", "change_stage")

    @admin.action(description="Export selected leads as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        for lead in queryset.select_related("assigned_to"):
            row = []
            for field in CSV_FIELDS:
                value = getattr(lead, field)
                if field == "assigned_to":
                    value = value.get_username() if value else ""
                row.append(csv_safe(value))
            writer.writerow(row)
        for lead in queryset:
            LeadAudit.objects.create(lead=lead, actor=request.user, action="exported", changes={})
        return response

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("leads.export_lead")


# Interactions that say "still here" rather than "did something": shown as one line.
NOISE_KINDS = frozenset({"interaction:scroll", "interaction:heartbeat", "interaction:time_on_page"})


def timeline_for_display(entries: list[dict]) -> list[dict]:
    """Newest first, with each run of scroll/heartbeat events collapsed into one row."""
    out: list[dict] = []
    for entry in sorted(entries, key=lambda e: e["at"], reverse=True):
        last = out[-1] if out else None
        if entry["kind"] in NOISE_KINDS and last is not None and last.get("noise"):
            last["count"] += 1
            last["since"] = entry["at"]
            last["summary"] = f"{last['count']} scroll and heartbeat events"
            continue
        if entry["kind"] in NOISE_KINDS:
            out.append({**entry, "noise": True, "count": 1, "since": entry["at"]})
        else:
            out.append(entry)
    return out


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "lead", "purpose", "granted", "method", "legal_basis")
    list_filter = ("purpose", "granted", "method")
    list_select_related = ("lead",)
    search_fields = ("lead__email",)


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ("id", "lead", "first_seen", "last_seen", "utm_source", "device")
    list_filter = ("device", "utm_source")
    list_select_related = ("lead",)


@admin.register(LeadAudit)
class LeadAuditAdmin(ReadOnlyAdmin):
    """The audit log. Submissions from an unverified browser (someone typed a known
    address) are kept here; Sales filter on them and accept the ones they trust."""

    list_display = ("created_at", "lead", "action", "actor", "submission")
    list_filter = ("action",)
    list_select_related = ("lead", "actor")
    search_fields = ("lead__email",)
    actions = ("accept_submissions",)

    @admin.display(description="Unverified submission")
    def submission(self, obj: LeadAudit) -> str:
        if obj.action != UNVERIFIED_SUBMISSION:
            return ""
        proposed = (obj.changes or {}).get("proposed") or {}
        values = ", ".join(f"{k}: {v}" for k, v in sorted(proposed.items())) or "no fields"
        return f"{(obj.changes or {}).get('status', '')} · {values}"

    def has_accept_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("leads.change_lead") and not is_read_only(request.user)

    @admin.action(description="Accept the selected unverified submissions", permissions=["accept"])
    def accept_submissions(self, request, queryset):
        accepted = 0
        for audit in queryset.filter(action=UNVERIFIED_SUBMISSION):
            if (audit.changes or {}).get("status") == "pending":
                unverified_submission_accept(audit=audit, actor=request.user)
                accepted += 1
        self.message_user(request, f"{accepted} submission(s) accepted.", messages.SUCCESS)


@admin.register(SalesNotification)
class SalesNotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "message", "lead", "recipient", "read_at")
    list_filter = ("kind",)
    list_select_related = ("lead", "recipient")


from leads import admin_inference  # noqa: E402, F401 - inferred profile data's admin pages
