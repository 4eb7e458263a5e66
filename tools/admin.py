"""Django admin of the tools app: results and exit offers (filter by offer and outcome to
compare them). Inferred profile data is in the leads admin (``leads.admin_inference``)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from tools.models import ExitOffer, ToolResult


@admin.register(ToolResult)
class ToolResultAdmin(ModelAdmin):
    list_display = ("created_at", "kind", "method", "lead", "emailed_at")
    list_filter = ("kind", "method")
    list_select_related = ("lead",)
    readonly_fields = ("kind", "inputs", "outputs", "method", "visitor", "lead", "emailed_at")


@admin.register(ExitOffer)
class ExitOfferAdmin(ModelAdmin):
    list_display = ("created_at", "offer", "chosen_by", "outcome", "reason")
    list_filter = ("offer", "outcome", "chosen_by")
    # Marketers compare offers here; who saw them (lead, visitor) stays with Sales.
    exclude = ("lead", "visitor")
    readonly_fields = [
        f.name for f in ExitOffer._meta.fields if f.name not in ("id", "lead", "visitor")
    ]

    def has_add_permission(self, request) -> bool:
        return False
