"""Models of the analytics app: every tracked interaction (the seed's 15 types, 5 categories).

``context`` holds device/browser/OS parsed from the user agent and the truncated IP; the
raw address is never stored. ``processed_at`` is set by the worker once an interaction has
fed the lead's behaviours and triggers.
"""

from __future__ import annotations

from django.db import models

from core.timefmt import local_datetime


class InteractionCategory(models.TextChoices):
    PAGE_VIEW = "page_view", "Page view"
    ENGAGEMENT = "engagement", "Engagement"
    CONVERSION = "conversion", "Conversion"
    CHAT = "chat", "Chat"
    EMAIL = "email", "Email"


class InteractionType(models.TextChoices):
    PAGE_VIEW = "page_view", "Page view"
    PAGE_EXIT = "page_exit", "Page exit"
    CLICK = "click", "Click"
    SCROLL = "scroll", "Scroll"
    FORM_SUBMIT = "form_submit", "Form submit"
    FORM_START = "form_start", "Form start"
    RESOURCE_DOWNLOAD = "resource_download", "Resource download"
    NEWSLETTER_SIGNUP = "newsletter_signup", "Newsletter signup"
    EVENT_REGISTER = "event_register", "Event registration"
    CHAT_MESSAGE = "chat_message", "Chat message"
    CHAT_TOOL_CALL = "chat_tool_call", "Chat tool call"
    EMAIL_OPEN = "email_open", "Email open"
    EMAIL_CLICK = "email_click", "Email click"
    ROI_CALCULATE = "roi_calculate", "ROI calculation"
    ASSESSMENT_COMPLETE = "assessment_complete", "Assessment complete"
    # Recorded by the server only (attendance imports); /api/track refuses it.
    EVENT_ATTENDED = "event_attended", "Event attended"


CATEGORY_OF_TYPE: dict[str, str] = {
    "page_view": InteractionCategory.PAGE_VIEW,
    "page_exit": InteractionCategory.PAGE_VIEW,
    "click": InteractionCategory.ENGAGEMENT,
    "scroll": InteractionCategory.ENGAGEMENT,
    "form_start": InteractionCategory.ENGAGEMENT,
    "form_submit": InteractionCategory.CONVERSION,
    "resource_download": InteractionCategory.CONVERSION,
    "newsletter_signup": InteractionCategory.CONVERSION,
    "event_register": InteractionCategory.CONVERSION,
    "roi_calculate": InteractionCategory.CONVERSION,
    "assessment_complete": InteractionCategory.CONVERSION,
    "chat_message": InteractionCategory.CHAT,
    "chat_tool_call": InteractionCategory.CHAT,
    "email_open": InteractionCategory.EMAIL,
    "email_click": InteractionCategory.EMAIL,
    "event_attended": InteractionCategory.ENGAGEMENT,
}
# Types only the server records: a visitor cannot claim them through /api/track.
SERVER_ONLY_TYPES = frozenset({"event_attended"})


class Interaction(models.Model):
    type = models.CharField(max_length=30, choices=InteractionType.choices)
    category = models.CharField(max_length=20, choices=InteractionCategory.choices)
    visitor = models.ForeignKey(
        "leads.Visitor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        db_index=False,
    )
    lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
        db_index=False,
    )
    session_id = models.CharField(max_length=64, blank=True, default="")
    properties = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["lead", "occurred_at"], name="interaction_lead_time_idx"),
            models.Index(fields=["visitor", "occurred_at"], name="interaction_visitor_time_idx"),
            models.Index(fields=["type", "occurred_at"], name="interaction_type_time_idx"),
            models.Index(fields=["occurred_at"], name="interaction_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} · {local_datetime(self.occurred_at)}"


class TrackedBatch(models.Model):
    """A client batch id already stored: a retried ``/api/track`` batch is stored once.

    Holds the tracker's random id and how many events it carried, nothing about the
    visitor; rows older than ``TRACK_BATCH_TTL_DAYS`` are pruned daily.
    """

    batch_id = models.CharField(max_length=64, primary_key=True)
    accepted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.batch_id


class IngestCheckpoint(models.Model):
    """How far the worker has copied the tracking buffer (``analytics.ingest``): the last
    Redis stream entry id stored, committed in the same transaction as the rows it covers,
    so a drain that dies after its commit never stores an entry twice."""

    name = models.CharField(max_length=50, primary_key=True)
    last_id = models.CharField(max_length=40, default="0-0")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"


class Metric(models.Model):
    """A custom metric event (seed 14.2). ``data`` holds no personal data.

    Its ``view_sales_dashboard`` permission opens the live sales dashboard. The model moved
    here from ``scoring`` (issue 12) and keeps its table."""

    class Kind(models.TextChoices):
        LEAD_CAPTURED = "lead_captured", "Lead captured"
        CONVERSION = "conversion", "Conversion"
        AI_SATISFACTION = "ai_satisfaction", "AI satisfaction"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.FloatField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        db_table = "scoring_metric"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="metric_kind_time_idx")]
        permissions = [("view_sales_dashboard", "Can view the live sales dashboard")]

    def __str__(self) -> str:
        return f"{self.kind} · {local_datetime(self.occurred_at)}"
