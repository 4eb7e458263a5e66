"""Django admin of inferred profile data (progressive profiling): every inference logged,
and the leads whose profile holds inferred values, always labelled as inferred. Loaded by
``leads.admin``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from unfold.admin import ModelAdmin

from leads.models import InferredLead, ProfileInference


@admin.register(ProfileInference)
class ProfileInferenceAdmin(ModelAdmin):
    list_display = ("created_at", "lead", "field", "value", "confidence", "applied", "method")
    list_filter = ("field", "applied", "method")
    list_select_related = ("lead",)
    readonly_fields = [f.name for f in ProfileInference._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(InferredLead)
class InferredLeadAdmin(ModelAdmin):
    """Leads whose profile holds inferred values; each is shown with '(inferred, 0.82)'."""

    list_display = ("email", "company", "inferred_values")
    search_fields = ("email",)
    fields = ("email", "inferred_values")
    readonly_fields = ("email", "inferred_values")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(inferred_fields={})

    @admin.display(description="Inferred (not confirmed by the lead)")
    def inferred_values(self, obj: InferredLead):
        items = []
        for field, confidence in sorted((obj.inferred_fields or {}).items()):
            if field == "sophistication":
                value = (obj.ai_data or {}).get("sophistication", "")
            else:
                value = getattr(obj, field, "")
            items.append((field, value, f"{float(confidence):.2f}"))
        return format_html_join(
            "", "<div>{}: <strong>{}</strong> <em>(inferred, {})</em></div>", items
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
