"""Models of the tools app.

- ``ToolResult``: one ROI calculation or maturity assessment (inputs, outputs, who ran it,
  whether it was emailed). Its UUID is the handle the result page uses to email it.
- ``ExitOffer``: an exit-intent offer shown once in a session, why it was chosen, and what
  the visitor did with it, so offers can be compared.

Inferred profile data (``ProfileInference``, ``InferredLead``) moved to ``leads``
(progressive profiling owns it); its table kept its name.
"""

from __future__ import annotations

import uuid

from django.db import models

from core.timefmt import local_datetime


class ToolResult(models.Model):
    class Kind(models.TextChoices):
        ROI = "roi", "ROI calculator"
        ASSESSMENT = "assessment", "AI maturity assessment"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    inputs = models.JSONField(default=dict)
    outputs = models.JSONField(default=dict)
    method = models.CharField(max_length=10, default="rules")
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="toolresult_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {local_datetime(self.created_at)}"


class ExitOffer(models.Model):
    class Offer(models.TextChoices):
        CONSULTATION = "consultation", "Free AI consultation call"
        CHECKLIST = "checklist", "AI implementation checklist"
        NEWSLETTER = "newsletter", "Tech Insights newsletter"
        WEBINAR_WAITLIST = "webinar_waitlist", "Webinar waitlist"

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Shown"
        DISMISSED = "dismissed", "Dismissed"
        ACCEPTED = "accepted", "Accepted (clicked)"
        CONVERTED = "converted", "Converted (left an email)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.CharField(max_length=20, choices=Offer.choices)
    chosen_by = models.CharField(max_length=10, default="rules")
    reason = models.CharField(max_length=300, blank=True, default="")
    signals = models.JSONField(default=dict, blank=True)
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_id = models.CharField(max_length=64, blank=True, default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SHOWN)
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["offer", "outcome"], name="exitoffer_offer_outcome_idx")]
        # Comparing offers is aggregate-only: marketers get this, not the rows (personal data).
        permissions = [("view_offer_stats", "Can compare exit-offer outcomes")]

    def __str__(self) -> str:
        return f"{self.offer} ({self.outcome})"
