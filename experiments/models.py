"""Models of the experiments app.

- ``Experiment``: a test on one page element (a hero, a call to action, an exit-intent
  offer, a form's field set, an email subject) with two or more ``Variant`` rows and a
  traffic share; its goal is a pipeline step (lead captured, qualified, demo booked, won).
- ``Exposure``: a visitor saw the experiment, recorded once per (experiment, visitor). No
  row per page view: the variant is a hash of visitor and experiment, recomputed each time.

Conversions are not stored: the read-out joins each exposure's visitor to its lead and
reads the lead's pipeline (created, qualified, demo booked, won) after the exposure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from waffle.models import AbstractUserFlag
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel


class Experiment(ClusterableModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"
        SHIPPED = "shipped", "Shipped"

    class Goal(models.TextChoices):
        LEAD_CAPTURED = "lead_captured", "Lead captured"
        QUALIFIED = "qualified", "Qualified"
        DEMO_BOOKED = "demo_booked", "Demo booked"
        WON = "won", "Won"

    class Target(models.TextChoices):
        HERO_TITLE = "hero_title", "Home page hero title"
        HERO_TEXT = "hero_text", "Home page hero text"
        HERO_CTA = "hero_cta_label", "Home page call to action"
        EXIT_OFFER = "exit_offer", "Exit-intent offer"
        FORM_FIELDS = "form_fields", "Form field set"
        EMAIL_SUBJECT = "email_subject", "Nurture email subject"
        TEMPLATE = "template", "Template slot (experiment tag)"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in templates.")
    hypothesis = models.TextField(blank=True, default="")
    target = models.CharField(max_length=30, choices=Target.choices, default=Target.TEMPLATE)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page whose content is replaced when the winner ships (a hero, or "
        "a gated resource's form for a form field set).",
    )
    # A nurture email subject test: the sequence step or the newsletter issue whose subject
    # the variants replace when nurture sends it (and which "ship" rewrites).
    sequence_step = models.ForeignKey(
        "nurture.SequenceStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a nurture email subject: the sequence step whose email is tested.",
    )
    newsletter_issue = models.ForeignKey(
        "nurture.NewsletterIssue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a nurture email subject: or the newsletter issue whose email is tested.",
    )
    goal = models.CharField(max_length=20, choices=Goal.choices, default=Goal.LEAD_CAPTURED)
    traffic_percent = models.PositiveSmallIntegerField(
        default=100, help_text="Share of consenting visitors who enter the experiment."
    )
    # Assignment salt: the flag's key when the experiment grew out of a feature flag, so
    # the visitors in its rollout keep their bucket.
    salt = models.CharField(max_length=80, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey(
        "experiments.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("hypothesis")], heading="Test"
        ),
        MultiFieldPanel(
            [
                FieldPanel("target"),
                FieldPanel("page"),  # Wagtail's page chooser (core.csp allows it)
                FieldPanel("sequence_step"),
                FieldPanel("newsletter_issue"),
                FieldPanel("goal"),
                FieldPanel("traffic_percent"),
            ],
            heading="What, where and measured on",
        ),
        InlinePanel("variants", min_num=2, label="Variants (the first is the control)"),
    ]

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(traffic_percent__lte=100), name="experiment_traffic_le_100"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def assignment_salt(self) -> str:
        return self.salt or f"exp:{self.slug}"


class Variant(models.Model):
    experiment = ParentalKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField(max_length=40, help_text="e.g. control, b, c")
    name = models.CharField(max_length=120, blank=True, default="")
    weight = models.PositiveSmallIntegerField(default=50, help_text="Relative traffic weight.")
    content = models.TextField(
        blank=True,
        default="",
        help_text="What this variant shows: a text, an email subject, a label, or for a form "
        "field set the fields comma-separated (email, company, role); blank on the control "
        "keeps the page's or email's own.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    panels = [FieldPanel("key"), FieldPanel("name"), FieldPanel("weight"), FieldPanel("content")]

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="variant_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.key}"


class Exposure(models.Model):
    """A visitor entered the experiment (once per visitor; with analytics consent only).

    An email test's unit is the lead's latest visitor, so the lead is counted once with the
    same variant as on the site; a lead without a visitor is keyed by ``lead`` instead
    (``visitor`` empty). ``email_id`` is the email that carried the variant (opens and
    clicks are a secondary figure of the read-out)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="exposures")
    # No database constraint: the em_vid cookie is the unit, and privacy erasure deletes
    # these rows through the registry.
    visitor = models.ForeignKey(
        "leads.Visitor",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    email_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "visitor"], name="exposure_once_per_visitor"
            ),
            models.UniqueConstraint(
                fields=["experiment", "lead"],
                condition=Q(visitor__isnull=True),
                name="exposure_once_per_lead",
            ),
            models.CheckConstraint(
                condition=Q(visitor__isnull=False) | Q(lead__isnull=False),
                name="exposure_has_unit",
            ),
        ]
        indexes = [models.Index(fields=["experiment", "variant"], name="exposure_exp_var_idx")]

    def __str__(self) -> str:
        return f"{self.visitor_id or self.lead_id} in {self.variant_id}"


class ExperimentAudit(models.Model):
    """Who started, stopped or shipped an experiment."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="audits")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.experiment_id}"


class Flag(AbstractUserFlag):
    """A feature flag (django-waffle's, so ``{% flag %}``, ``flag_is_active`` and the
    decorators work) whose percentage rollout uses the experiments' sticky hash, salted
    with ``flag:<name>``, instead of waffle's random draw and cookie: a visitor keeps their
    bucket on every page and in emails, and an experiment grown from the flag keeps them.

    Evaluation (``experiments.flags``): "everyone" overrides all; roles (waffle's groups,
    users, staff, superusers) switch it on for those staff; otherwise a subject (a visitor,
    or a lead in a task) must match every segment condition that is set (grades,
    industries, consent) and fall inside the percentage (blank = the whole segment).
    """

    class Consent(models.TextChoices):
        ANY = "any", "Anyone"
        ANALYTICS = "analytics", "Only visitors who accepted analytics"
        NO_ANALYTICS = "no_analytics", "Only visitors without analytics consent"

    grades = models.CharField(
        max_length=20, blank=True, default="", help_text="Lead grades, comma-separated (A,B)."
    )
    industries = models.CharField(
        max_length=300, blank=True, default="", help_text="Lead industries, comma-separated."
    )
    consent = models.CharField(max_length=15, choices=Consent.choices, default=Consent.ANY)

    class Meta(AbstractUserFlag.Meta):
        verbose_name = "Feature flag"
        verbose_name_plural = "Feature flags"

    @property
    def salt(self) -> str:
        return f"flag:{self.name}"

    @property
    def has_segment(self) -> bool:
        return bool(self.grades or self.industries or self.consent != self.Consent.ANY)

    def _is_active_for_percent(self, request, read_only):  # waffle's hook, last in line
        from experiments.flags import active_for_subject, subject_from_request

        return active_for_subject(self, subject_from_request(request, self)) or None
