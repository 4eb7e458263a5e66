"""Django admin of the mail app: the outbox (every email sent, for staff). In embedded mode
this is where staff read what would have been sent."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from mail.models import OutboundEmail
from mail.services.sending import email_mark_bounced, email_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ModelAdmin):
    """The outbox. In embedded mode this is where staff read what would have been sent."""

    list_display = (
        "created_at",
        "to_email",
        "subject",
        "template",
        "category",
        "status",
        "sent_at",
        "open_count",
        "click_count",
    )
    list_filter = ("status", "category", "template")
    search_fields = ("to_email", "subject", "token")
    date_hierarchy = "created_at"
    list_select_related = ("lead",)
    readonly_fields = [f.name for f in OutboundEmail._meta.fields] + ["html_preview"]
    exclude = ("body_html",)
    actions = ("retry_failed", "mark_bounced")

    @admin.display(description="HTML body")
    def html_preview(self, obj: OutboundEmail) -> str:
        if not obj.body_html:
            return "—"
        return format_html(
            '<iframe sandbox="" srcdoc="{}" style="width:100%;height:480px;border:1px solid #ccc">'
            "</iframe>",
            obj.body_html,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send failed emails again", permissions=["change"])
    def retry_failed(self, request, queryset) -> None:
        retried = 0
        for email_id in queryset.filter(status=OutboundEmail.Status.FAILED).values_list(
            "pk", flat=True
        ):
            email_retry(email_id=email_id)  # queued for the worker, not sent in this request
            retried += 1
        self.message_user(request, f"Queued {retried} email(s) again.", messages.INFO)

    @admin.action(description="Mark as bounced", permissions=["change"])
    def mark_bounced(self, request, queryset) -> None:
        for email_id in queryset.values_list("pk", flat=True):
            email_mark_bounced(email_id=email_id, reason="marked bounced by staff")
        self.message_user(request, "Marked as bounced.", messages.INFO)
