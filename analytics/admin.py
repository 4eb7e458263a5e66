"""Django admin for interactions: read-only (they are facts, written by the tracker)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from analytics.models import Interaction


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
