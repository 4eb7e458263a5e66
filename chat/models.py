"""Conversations with the AI specialist (seed 5.1.4), their messages and tool calls,
Sales availability and demo bookings.

A demo slot is taken by one live booking at most: ``DemoBooking.slot_key`` (sales user or
team calendar + start time) is unique among confirmed and held bookings, enforced by the
database, so two visitors confirming the same slot at once cannot both win. A *held*
booking was asked for an address the browser has not verified: it keeps the slot until its
``expires_at`` while the address's owner is asked to confirm it (``chat.scheduling``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.timefmt import local_span


class Conversation(models.Model):
    class Channel(models.TextChoices):
        WEBCHAT = "webchat", "Web chat"
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"
        ESCALATED = "escalated", "Escalated to a person"

    class Mode(models.TextChoices):
        QUALIFY = "qualify", "Qualification chat"
        RAG = "rag", "Knowledge questions"

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"

    class Urgency(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    visitor = models.ForeignKey(
        "leads.Visitor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    session_id = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEBCHAT)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.QUALIFY)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    # Who is talking for us: the AI, or a person after hand-off.
    assigned_type = models.CharField(max_length=5, default="ai")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    escalation_reason = models.CharField(max_length=300, blank=True)
    # Slots gathered in this conversation (kept here until consent lets them reach the lead)
    # and the dialogue state (last question asked, offered demo slots, pending confirmation).
    collected = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_wording = models.TextField(blank=True)
    page_url = models.CharField(max_length=500, blank=True)

    # AI analysis (updated after each turn in Celery).
    primary_intent = models.CharField(max_length=40, blank=True)
    intents = models.JSONField(default=list, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    qualification_progress = models.FloatField(default=0.0)
    estimated_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)

    # Outcome.
    resolved = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    conversion = models.BooleanField(default=False)
    next_action = models.CharField(max_length=200, blank=True)

    # Accounting over every model call in this conversation.
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)

    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["lead", "-started_at"], name="chat_conv_lead_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="chat_conv_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(qualification_progress__gte=0, qualification_progress__lte=1),
                name="chat_conv_progress_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.status})"

    @property
    def consent_given(self) -> bool:
        return self.consent_given_at is not None

    @property
    def contact_saved(self) -> bool:
        """The visitor's email is on record: this conversation's own lead, or an existing
        lead's address claimed by a browser not verified for it (held, never linked)."""
        return self.lead_id is not None or bool((self.state or {}).get("claimed_lead"))

    @property
    def group_name(self) -> str:
        """The channel-layer group every socket on this conversation joins."""
        return f"chat.{self.pk}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Visitor"
        ASSISTANT = "assistant", "Assistant"
        SYSTEM = "system", "System"

    class Source(models.TextChoices):
        AI = "ai", "AI"
        HUMAN = "human", "Human"
        TEMPLATE = "template", "Template"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AI)
    # Which agent answered and why the orchestrator chose it.
    agent = models.CharField(max_length=20, blank=True)
    agent_reason = models.CharField(max_length=300, blank=True)
    intent = models.CharField(max_length=40, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # [{id, name, arguments, status: executed|refused|pending, result|error}]
    tool_calls = models.JSONField(default=list, blank=True)
    # [{n, title, url, type, score}]
    sources = models.JSONField(default=list, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    model = models.CharField(max_length=80, blank=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="chat_msg_conv_time")]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"


class SalesAvailability(models.Model):
    """A Sales user's weekly demo hours (the admin edits these)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_availability"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(default=30)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name_plural = "sales availability"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="chat_avail_weekday"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="chat_avail_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · day {self.weekday} {self.start_time}-{self.end_time}"


class DemoBooking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        HELD = "held", "Held (awaiting the address owner's confirmation)"
        EXPIRED = "expired", "Hold expired"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="demo_bookings"
    )
    sales_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demo_bookings",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # "<sales user id or 'team'>|<start ISO>": one confirmed booking per key.
    slot_key = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    idempotency_key = models.CharField(max_length=80, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    # A hold: when it lapses, and the SHA-256 of the one-time confirmation link's token
    # (the token itself is only in the email sent; cleared once used).
    expires_at = models.DateTimeField(null=True, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot_key"],
                condition=Q(status__in=["confirmed", "held"]),
                name="chat_booking_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(expires_at__isnull=False),
                name="chat_booking_hold_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"Demo {local_span(self.starts_at, self.ends_at)} ({self.status})"


class UnansweredQuestion(models.Model):
    """A visitor's question the assistant could not answer from the knowledge base; the
    marketers' report groups them by meaning and turns one into an FAQ."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    answered_by_faq = models.ForeignKey(
        "content.FAQ", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]
