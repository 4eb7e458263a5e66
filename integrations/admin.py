"""Integration admin: HubSpot sync state per lead, composed into the lead admin as an inline
(``LeadAdmin.inlines`` lists it explicitly), plus read-only lists of links, conflicts and
pending remote erasures."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from integrations.models import CrmLink, RemoteErasure, SyncConflict, ZoomMeeting


class CrmLinkInline(TabularInline):
    """The lead's HubSpot contact: id, sync status, last push/pull, last error."""

    model = CrmLink
    fk_name = "lead"
    verbose_name = "HubSpot sync"
    verbose_name_plural = "HubSpot sync"
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("hubspot_id", "status", "dirty", "pushed_at", "pulled_at", "attempts", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SyncConflictInline(TabularInline):
    model = SyncConflict
    fk_name = "lead"
    verbose_name_plural = "HubSpot conflicts"
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("created_at", "field", "ours", "theirs", "winner", "rule", "source")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CrmLink)
class CrmLinkAdmin(ReadOnlyAdmin):
    list_display = ("kind", "local_id", "hubspot_id", "status", "dirty", "pushed_at", "pulled_at")
    list_filter = ("kind", "status", "dirty")
    search_fields = ("hubspot_id", "local_id")


@admin.register(SyncConflict)
class SyncConflictAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "lead", "field", "winner", "rule", "source")
    list_filter = ("field", "winner", "source")
    list_select_related = ("lead",)


@admin.register(RemoteErasure)
class RemoteErasureAdmin(ReadOnlyAdmin):
    list_display = ("service", "created_at", "done_at", "attempts", "last_error")
    list_filter = ("service",)


@admin.register(ZoomMeeting)
class ZoomMeetingAdmin(ReadOnlyAdmin):
    list_display = ("event", "kind", "zoom_id", "report_pulled_at", "last_error")
