"""Back office (Django admin): feature flags, for staff. Marketers edit the same flags in
Wagtail (Snippets → Feature flags)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from experiments.models import Flag


@admin.register(Flag)
class FlagAdmin(ModelAdmin):
    list_display = ("name", "everyone", "percent", "grades", "industries", "consent", "note")
    list_filter = ("everyone", "consent")
    search_fields = ("name", "note")
    filter_horizontal = ("groups",)
    raw_id_fields = ("users",)
    fieldsets = (
        (None, {"fields": ("name", "note", "everyone")}),
        ("Roll-out (sticky per visitor, shared with experiments)", {"fields": ("percent",)}),
        ("Segment", {"fields": ("grades", "industries", "consent")}),
        ("Roles and people", {"fields": ("groups", "users", "staff", "superusers")}),
    )
