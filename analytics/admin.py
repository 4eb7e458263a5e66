"""Django admin for interactions (facts, written by the tracker) and the custom metrics:
both read-only."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from analytics.models import Interaction, Metric


@admin.register(Interaction)
class InteractionAdmin(ModelAdmin):
    list_display = ("occurred_at", "type", "category", "lead", "visitor_id", "session_id")
    list_filter = ("category", "type")
    list_select_related = ("lead",)
    search_fields = ("lead__email",)
    show_full_result_count = False
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Metric)
class MetricAdmin(ModelAdmin):
    list_display = ("kind", "value", "occurred_at")
    list_filter = ("kind",)
    date_hierarchy = "occurred_at"
    readonly_fields = ("kind", "value", "data", "lead", "occurred_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
