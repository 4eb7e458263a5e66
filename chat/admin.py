"""Admin for conversations: Sales see the transcript (with agents, tool calls and costs),
take over escalated chats and reply to the visitor live; availability and demo bookings."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from chat import services
from chat.models import Conversation, DemoBooking, Message, SalesAvailability


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "role", "source", "agent", "agent_reason", "content", "tool_calls",
              "tokens_in", "tokens_out", "cost_usd", "latency_ms")  # fmt: skip
    readonly_fields = fields
    ordering = ("created_at",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ConversationForm(forms.ModelForm):
    staff_reply = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the visitor's chat at once; the assistant stays silent.",
    )

    class Meta:
        model = Conversation
        fields = ["status", "next_action"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    form = ConversationForm
    list_display = ("id", "status", "lead", "primary_intent", "qualification_progress",
                    "satisfaction", "cost_usd", "updated_at")  # fmt: skip
    list_filter = ("status", "mode", "sentiment", "urgency")
    search_fields = ("lead__email", "lead__company")
    list_select_related = ("lead",)
    readonly_fields = ("lead", "visitor", "mode", "assigned_type", "assigned_to",
                       "escalation_reason", "collected", "primary_intent", "intents",
                       "sentiment", "urgency", "qualification_progress", "estimated_value",
                       "satisfaction", "conversion", "tokens_in", "tokens_out", "cost_usd",
                       "started_at")  # fmt: skip
    fields = ("status", "staff_reply", "next_action", *readonly_fields)
    inlines = [MessageInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("staff_reply", "").strip()
        if reply:
            services.staff_reply(conversation=obj, user=request.user, text=reply)
            messages.success(request, "Reply sent to the visitor.")


@admin.register(SalesAvailability)
class SalesAvailabilityAdmin(admin.ModelAdmin):
    list_display = ("user", "weekday", "start_time", "end_time", "slot_minutes", "active")
    list_filter = ("active", "weekday")


@admin.register(DemoBooking)
class DemoBookingAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "lead", "sales_user", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("lead", "sales_user")
    readonly_fields = ("conversation", "lead", "slot_key", "idempotency_key", "created_at")
