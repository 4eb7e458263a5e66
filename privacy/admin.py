"""Admin for the privacy app: read-only logs, and the bulk erasure action for leads.

``erase_leads_action`` is one of the Lead admin's actions (``leads/admin.py`` lists it
with its own). It asks for the acting user's password again before
erasing, and each erased lead gets a DeletionLog row with the acting user.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin

from privacy.models import DataRequest, DeletionLog, Suppression

ERASE_PERM = "privacy.erase_personal_data"


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeletionLog)
class DeletionLogAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "method", "verified_by", "actor", "email_hash")
    list_filter = ("method",)
    search_fields = ("email_hash",)
    date_hierarchy = "created_at"


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "created_at", "expires_at", "used_at")
    list_filter = ("kind", "status")
    exclude = ("token_hash",)


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    list_display = ("email_hash", "reason", "created_at")


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
    )


@admin.action(description="Erase selected leads (GDPR; asks for your password)")
def erase_leads_action(modeladmin, request, queryset):
    from privacy.services import lead_erase

    if not request.user.has_perm(ERASE_PERM):
        modeladmin.message_user(
            request, "You do not have permission to erase personal data.", messages.ERROR
        )
        return None
    form = PasswordConfirmForm(request.POST if "confirm_erasure" in request.POST else None)
    if form.is_bound and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            erased = 0
            for lead in queryset:
                if getattr(lead, "erased_at", None):
                    continue
                lead_erase(
                    lead=lead,
                    method=DeletionLog.Method.STAFF_BULK,
                    verified_by=f"staff:{request.user.pk}:password",
                    actor=request.user,
                )
                erased += 1
            modeladmin.message_user(request, f"Erased {erased} lead(s).", messages.SUCCESS)
            return None
        form.add_error("password", "That is not your password.")
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase personal data",
        "queryset": queryset,
        "count": queryset.count(),
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "privacy/admin/bulk_erase.html", context)
