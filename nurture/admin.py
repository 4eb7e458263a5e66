"""Django admin of the nurture app: subscribers, sequences and enrolments. Marketers edit
lists, issues and sequences in Wagtail (``/cms/``); the outbox is the mail app's."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from nurture.models import (
    Enrolment,
    IssueDelivery,
    Newsletter,
    NewsletterIssue,
    Sequence,
    SequenceStep,
    StepSend,
    Subscriber,
    Subscription,
)


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
