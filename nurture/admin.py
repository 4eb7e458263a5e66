"""Django admin of the nurture app: the outbox (every email sent, for staff), subscribers,
sequences and enrolments. Marketers edit lists, issues and sequences in Wagtail (``/cms/``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from nurture import services
from nurture.models import (
    Enrolment,
    IssueDelivery,
    Newsletter,
    NewsletterIssue,
    OutboundEmail,
    Sequence,
    SequenceStep,
    StepSend,
    Subscriber,
    Subscription,
)


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
        for email in queryset.filter(status=OutboundEmail.Status.FAILED):
            services.email_retry(email=email)
            retried += 1
        self.message_user(request, f"Retried {retried} email(s).", messages.INFO)

    @admin.action(description="Mark as bounced", permissions=["change"])
    def mark_bounced(self, request, queryset) -> None:
        for email in queryset:
            services.email_mark_bounced(email=email, reason="marked bounced by staff")
        self.message_user(request, "Marked as bounced.", messages.INFO)


class SubscriptionInline(TabularInline):
    model = Subscription
    extra = 0
    readonly_fields = ("newsletter", "status", "created_at", "confirmed_at", "unsubscribed_at")
    can_delete = False


@admin.register(Subscriber)
class SubscriberAdmin(ModelAdmin):
    list_display = ("email", "confirmed_at", "unsubscribed_at", "frequency", "created_at")
    list_filter = ("frequency",)
    search_fields = ("email",)
    readonly_fields = (
        "email",
        "lead",
        "consent_wording",
        "page_url",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "created_at",
    )
    inlines = [SubscriptionInline]


@admin.register(Newsletter)
class NewsletterAdmin(ModelAdmin):
    list_display = ("name", "slug", "frequency", "is_active")


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(ModelAdmin):
    list_display = ("subject", "newsletter", "status", "send_at", "sent_at")
    list_filter = ("newsletter", "status")


@admin.register(IssueDelivery)
class IssueDeliveryAdmin(ModelAdmin):
    list_display = ("issue", "subscriber", "created_at")
    list_select_related = ("issue", "subscriber")
    readonly_fields = ("issue", "subscriber", "email", "created_at")


class SequenceStepInline(TabularInline):
    model = SequenceStep
    extra = 0


@admin.register(Sequence)
class SequenceAdmin(ModelAdmin):
    list_display = ("name", "trigger", "exit_stage", "is_active")
    inlines = [SequenceStepInline]


class StepSendInline(TabularInline):
    model = StepSend
    extra = 0
    readonly_fields = ("step", "status", "reason", "email", "created_at")
    can_delete = False


@admin.register(Enrolment)
class EnrolmentAdmin(ModelAdmin):
    list_display = ("lead", "sequence", "status", "exit_reason", "enrolled_at", "finished_at")
    list_filter = ("sequence", "status")
    list_select_related = ("lead", "sequence")
    raw_id_fields = ("lead",)
    inlines = [StepSendInline]
