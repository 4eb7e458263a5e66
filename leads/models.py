"""Models of the leads app: visitors, leads, the consent ledger, audit, triggers, feed.

A ``Visitor`` is an anonymous browser (the ``em_vid`` cookie). When it identifies, it is
linked to a ``Lead`` (one per case-insensitive email). ``ConsentRecord`` is an append-only
ledger; current consent is derived from its latest row per purpose. ``LeadAudit`` records
who changed what. ``LeadTrigger`` makes triggers and stage actions fire exactly once per
condition, and ``SalesNotification`` is the feed the sales dashboard reads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

STAGE_ORDER = ("anonymous", "identified", "qualified", "opportunity", "customer")


class LiveLeadManager(models.Manager):
    """Leads that are not soft-deleted."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Lead(models.Model):
    class Stage(models.TextChoices):
        ANONYMOUS = "anonymous", "Anonymous"
        IDENTIFIED = "identified", "Identified"
        QUALIFIED = "qualified", "Qualified"
        OPPORTUNITY = "opportunity", "Opportunity"
        CUSTOMER = "customer", "Customer"

    class Outcome(models.TextChoices):
        NONE = "", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    class BuyingStage(models.TextChoices):
        AWARENESS = "awareness", "Awareness"
        CONSIDERATION = "consideration", "Consideration"
        DECISION = "decision", "Decision"

    class CompanySize(models.TextChoices):
        S1 = "1-10", "1-10"
        S2 = "11-50", "11-50"
        S3 = "51-200", "51-200"
        S4 = "201-500", "201-500"
        S5 = "500+", "500+"

    class Budget(models.TextChoices):
        B1 = "<10k", "< 10k"
        B2 = "10k-50k", "10k-50k"
        B3 = "50k-100k", "50k-100k"
        B4 = "100k+", "100k+"

    class Timeline(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        M1_3 = "1-3mo", "1-3 months"
        M3_6 = "3-6mo", "3-6 months"
        M6_12 = "6-12mo", "6-12 months"
        M12 = "12mo+", "12 months +"

    class Authority(models.TextChoices):
        NONE = "", "Unknown"
        DECISION_MAKER = "decision_maker", "Decision maker"
        INFLUENCER = "influencer", "Influencer"
        USER = "user", "User"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254)
    email_normalized = models.CharField(max_length=254, editable=False)
    name = models.CharField(max_length=200, blank=True, default="")
    # Profile
    company = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    company_size = models.CharField(
        max_length=10, blank=True, default="", choices=CompanySize.choices
    )
    industry = models.CharField(max_length=100, blank=True, default="")
    website = models.URLField(max_length=300, blank=True, default="")
    linkedin = models.URLField(max_length=300, blank=True, default="")
    budget = models.CharField(max_length=10, blank=True, default="", choices=Budget.choices)
    timeline = models.CharField(max_length=10, blank=True, default="", choices=Timeline.choices)
    decision_process = models.CharField(max_length=500, blank=True, default="")
    authority = models.CharField(max_length=20, blank=True, default="", choices=Authority.choices)
    seniority = models.CharField(max_length=50, blank=True, default="")
    tech_stack = models.JSONField(default=list, blank=True)
    competitors = models.JSONField(default=list, blank=True)
    pain_points = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    # Engagement
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ANONYMOUS)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    buying_stage = models.CharField(
        max_length=20, choices=BuyingStage.choices, default=BuyingStage.AWARENESS
    )
    source = models.CharField(max_length=100, blank=True, default="")
    medium = models.CharField(max_length=100, blank=True, default="")
    campaign = models.CharField(max_length=200, blank=True, default="")
    profile_completeness = models.FloatField(default=0.0)
    # Behaviours (recomputed from interactions by the worker)
    visits = models.PositiveIntegerField(default=0)
    page_views = models.PositiveIntegerField(default=0)
    time_on_site_seconds = models.PositiveIntegerField(default=0)
    first_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField(null=True, blank=True)
    avg_scroll_depth = models.FloatField(default=0.0)
    # Scoring
    score = models.PositiveSmallIntegerField(default=0)
    grade = models.CharField(max_length=1, blank=True, default="")
    fit_score = models.PositiveSmallIntegerField(default=0)
    engagement_score = models.PositiveIntegerField(default=0)
    score_factors = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_leads",
    )
    # Free-form
    profile_extra = models.JSONField(default=dict, blank=True)
    ai_data = models.JSONField(default=dict, blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    inferred_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = LiveLeadManager()
    all_objects = models.Manager()  # noqa: DJ012 - a second manager, not a field

    class Meta:
        ordering = ["-created_at"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["email_normalized"],
                condition=Q(erased_at__isnull=True),
                name="lead_email_unique_live",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
            models.Index(fields=["stage", "-created_at", "-id"], name="lead_stage_created_idx"),
            models.Index(fields=["grade", "-created_at", "-id"], name="lead_grade_created_idx"),
            models.Index(
                Upper("industry"),
                F("created_at").desc(),
                F("id").desc(),
                name="lead_industry_ci_created_idx",
            ),
            models.Index(fields=["source", "-created_at", "-id"], name="lead_source_created_idx"),
            models.Index(fields=["-score"], name="lead_score_idx"),
            models.Index(
                fields=["assigned_to", "-created_at", "-id"], name="lead_assigned_created_idx"
            ),
            models.Index(fields=["-last_visit_at"], name="lead_last_visit_idx"),
        ]
        permissions = [("export_lead", "Can export leads as CSV")]

    def __str__(self) -> str:
        return self.email or str(self.id)

    @staticmethod
    def stage_rank(stage: str) -> int:
        return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0


class Visitor(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="visitors"
    )
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now_add=True)
    utm_source = models.CharField(max_length=100, blank=True, default="")
    utm_medium = models.CharField(max_length=100, blank=True, default="")
    utm_campaign = models.CharField(max_length=200, blank=True, default="")
    referrer = models.CharField(max_length=500, blank=True, default="")
    landing_page = models.CharField(max_length=500, blank=True, default="")
    user_agent_family = models.CharField(max_length=100, blank=True, default="")
    device = models.CharField(max_length=20, blank=True, default="")
    os_family = models.CharField(max_length=100, blank=True, default="")
    # Identity (leads.identity): ``lead`` is set only for a verified browser; a browser that
    # typed an address it has not proven is "claimed" and keeps the (normalised) address here.
    # db_default: the tracking fast path inserts visitors with raw SQL.
    claimed_email = models.CharField(max_length=254, blank=True, default="", db_default="")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-last_seen"], name="visitor_last_seen_idx")]

    def __str__(self) -> str:
        return str(self.id)


class VerificationLink(models.Model):
    """A one-time "continue where you left off" link sent to a lead's address. Only the
    SHA-256 of its token is stored; opening it verifies the browser that opens it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="verification_links")
    token_hash = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(
        Visitor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["lead", "-created_at"], name="verify_lead_idx")]

    def __str__(self) -> str:
        return f"verification link for {self.lead_id}"


class ConsentRecord(models.Model):
    """One row per consent decision; never updated or deleted (withdrawal is a new row)."""

    class Purpose(models.TextChoices):
        DATA_PROCESSING = "data_processing", "Data processing"
        MARKETING = "marketing", "Marketing"
        ANALYTICS = "analytics", "Analytics"

    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    visitor = models.ForeignKey(
        Visitor, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    granted = models.BooleanField()
    method = models.CharField(max_length=30, default="checkbox")
    legal_basis = models.CharField(max_length=30, default="consent")
    wording = models.TextField(blank=True, default="")
    wording_hash = models.CharField(max_length=64, blank=True, default="")
    page_url = models.CharField(max_length=500, blank=True, default="")
    ip_truncated = models.CharField(max_length=45, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["lead", "purpose", "-created_at"], name="consent_lead_idx")]

    def __str__(self) -> str:
        return f"{self.purpose}={'yes' if self.granted else 'no'}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("ConsentRecord is append-only; write a new record instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ConsentRecord is append-only.")


class LeadAudit(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="audits")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=50)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["lead", "created_at"], name="audit_lead_idx")]

    def __str__(self) -> str:
        return f"{self.action} on {self.lead_id}"


class LeadTrigger(models.Model):
    """A trigger or stage action that has fired for a lead: one row per (lead, kind, key)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="triggers")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "kind", "key"], name="lead_trigger_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class SalesNotification(models.Model):
    """An entry of the sales feed (high intent, qualified lead, assignment, re-engagement)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class RoundRobinState(models.Model):
    """The last user picked by a round-robin (one row per rotation name)."""

    name = models.CharField(max_length=50, primary_key=True)
    last_user_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ProfileInference(models.Model):
    """A value inferred from behaviour (progressive profiling), with its confidence and
    evidence; logged whether or not it was applied. The table kept its first name
    (``tools_profileinference``) when inference moved here from the tools app."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    confidence = models.FloatField()
    applied = models.BooleanField(default=False)
    method = models.CharField(max_length=10, default="rules")
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tools_profileinference"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lead", "field"], name="inference_lead_field_idx")]

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.confidence:.2f})"


class InferredLead(Lead):
    """Leads seen through their inferred data (admin only; same table as ``Lead``)."""

    class Meta:
        proxy = True
        verbose_name = "lead with inferred data"
        verbose_name_plural = "leads with inferred data"
