"""Admin for conversations: Sales see the transcript (with agents, tool calls and costs),
take over escalated chats and reply to the visitor live; availability and demo bookings."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminTextareaWidget

from chat import services
from chat.models import Conversation, DemoBooking, Message, SalesAvailability
from core.timefmt import local_datetime, local_span


class MessageInline(TabularInline):
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
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text="Sent to the visitor's chat at once; the assistant stays silent.",
    )

    class Meta:
        model = Conversation
        fields = ["status", "next_action"]


@admin.register(Conversation)
class ConversationAdmin(ModelAdmin):
    form = ConversationForm
    list_display = ("who", "status", "primary_intent", "qualification_progress",
                    "satisfaction", "cost_usd", "updated_at")  # fmt: skip
    list_display_links = ("who",)
    list_filter = ("status", "mode", "sentiment", "urgency")
    search_fields = ("lead__email", "lead__company")
    list_select_related = ("lead",)
    readonly_fields = ("lead", "visitor", "mode", "assigned_type", "assigned_to",
                       "escalation_reason", "collected", "primary_intent", "intents",
                       "sentiment", "urgency", "qualification_progress", "estimated_value",
                       "satisfaction", "conversion", "tokens_in", "tokens_out", "cost_usd",
                       "started_at")  # fmt: skip
    fields = ("transcript", "status", "staff_reply", "next_action", *readonly_fields)
    readonly_fields = ("transcript", *readonly_fields)

    @admin.display(description="Conversation", ordering="-started_at")
    def who(self, obj: Conversation) -> str:
        lead = obj.lead
        name = (lead.name or lead.email) if lead is not None else "Anonymous visitor"
        return format_html(
            "<strong>{}</strong><br><small>started {}</small>", name, local_datetime(obj.started_at)
        )

    @admin.display(description="Conversation")
    def transcript(self, obj: Conversation) -> str:
        """The chat as the visitor saw it: who said what, when (site time zone, named),
        with tool calls summarised by name instead of raw JSON."""
        rows = []
        for m in obj.messages.order_by("created_at"):
            if m.role == Message.Role.SYSTEM:
                continue
            if m.role == Message.Role.USER:
                who, side = "Visitor", "visitor"
            elif m.source == Message.Source.HUMAN:
                who, side = "Sales (person)", "staff"
            else:
                who, side = "AI assistant", "ai"
            names = [
                str((c.get("function") or {}).get("name") or c.get("name") or "tool")
                for c in (m.tool_calls or [])
                if isinstance(c, dict)
            ]
            tools = f" · used {', '.join(names)}" if names else ""
            when = local_datetime(m.created_at, with_weekday=True)
            rows.append((side, who, when, tools, m.content))
        if not rows:
            return "No messages yet."
        return format_html(
            '<div class="chat-transcript">{}</div>',
            format_html_join(
                "",
                '<div class="msg msg-{}"><p class="msg-meta"><strong>{}</strong> '
                '<span>{}{}</span></p><div class="msg-text">{}</div></div>',
                rows,
            ),
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("staff_reply", "").strip()
        if reply:
            services.staff_reply(conversation=obj, user=request.user, text=reply)
            messages.success(request, "Reply sent to the visitor.")


@admin.register(SalesAvailability)
class SalesAvailabilityAdmin(ModelAdmin):
    list_display = ("user", "weekday", "start_time", "end_time", "slot_minutes", "active")
    list_filter = ("active", "weekday")


@admin.register(DemoBooking)
class DemoBookingAdmin(ModelAdmin):
    list_display = ("when", "lead", "sales_user", "status", "created_at")
    date_hierarchy = "starts_at"
    list_filter = ("status",)
    list_select_related = ("lead", "sales_user")
    readonly_fields = ("conversation", "lead", "slot_key", "idempotency_key", "created_at")

    @admin.display(description="Demo", ordering="starts_at")
    def when(self, obj: DemoBooking) -> str:
        return local_span(obj.starts_at, obj.ends_at)
