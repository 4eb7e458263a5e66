"""The outbound email row: one per email the product sends (any app), with its tracking
token, status and open/click counters. The row is written before sending and never lost."""

from __future__ import annotations

import uuid

from django.db import models


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        LIMITED = "limited", "Held: recipient limit"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.CharField(max_length=100)
    category = models.CharField(max_length=50, blank=True, default="", db_index=True)
    to_email = models.EmailField(max_length=254)
    lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
    )
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    attachment_names = models.JSONField(default=list, blank=True)
    # Attachments of an email whose delivery was deferred to the worker (base64, small).
    attachments_data = models.JSONField(default=list, blank=True, editable=False)
    # Set by a caller that must queue an email once (``queue_email(key=...)``).
    key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when a delivery claims the row (status "sending"): a duplicate run sends nothing.
    claimed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    click_count = models.PositiveIntegerField(default=0)
    first_clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lead", "-created_at"], name="outbound_lead_idx"),
            models.Index(fields=["status", "-created_at"], name="outbound_status_idx"),
            models.Index(fields=["to_email", "sent_at"], name="outbound_recipient_sent_idx"),
        ]
        # The table it had in ``nurture`` (moved with SeparateDatabaseAndState, no copy).
        db_table = "nurture_outboundemail"
        verbose_name = "outbound email"

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email} ({self.status})"
