"""Models of the nurture app: newsletters with double opt-in, nurture sequences.

- ``Newsletter`` / ``Subscriber`` / ``Subscription``: the lists, the people (one row per
  case-insensitive address) and their per-list status. An address receives nothing until
  it confirmed (double opt-in); unsubscribing is one click.
- ``NewsletterIssue``: composed by marketers in Wagtail (a snippet with a StreamField) and
  sent in batches; ``IssueDelivery`` makes each issue reach each subscriber at most once.
- ``Sequence`` / ``SequenceStep`` / ``Enrolment`` / ``StepSend``: marketer-defined nurture
  sequences; the unique (enrolment, step) constraint makes every step go out exactly once.
"""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField

from nurture.blocks import IssueBodyBlock


class Newsletter(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Bi-weekly"
        MONTHLY = "monthly", "Monthly"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True, default="")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    audience = models.CharField(max_length=100, blank=True, default="")
    sample_content = models.CharField(max_length=300, blank=True, default="")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("frequency"),
        FieldPanel("audience"),
        FieldPanel("sample_content"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One address that asked for newsletters (the key is the case-insensitive email)."""

    class Frequency(models.TextChoices):
        EVERY_ISSUE = "every_issue", "Every issue"
        MONTHLY_MAX = "monthly_max", "At most one email a month"

    email = models.EmailField(max_length=254)
    email_normalized = models.CharField(max_length=254, unique=True, editable=False)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.EVERY_ISSUE
    )
    # The sign-up wording the person saw; stored in the consent log when they confirm.
    consent_wording = models.TextField(blank=True, default="")
    page_url = models.CharField(max_length=500, blank=True, default="")
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="subscription_once_per_list"
            )
        ]
        indexes = [
            models.Index(fields=["newsletter", "status", "id"], name="subscription_send_idx")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.newsletter_id} ({self.status})"


class NewsletterIssue(models.Model):
    """One issue of a newsletter, composed in Wagtail and sent by Celery in batches."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled (sends at the time below)"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=200)
    preheader = models.CharField(max_length=200, blank=True, default="")
    intro = models.TextField(blank=True, default="")
    body = StreamField(IssueBodyBlock(), blank=True)
    include_digest = models.BooleanField(
        default=True,
        help_text="Add a personalised 'picked for you' section for every subscriber.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="When status is Scheduled, the issue goes out then."
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("include_digest"),
        FieldPanel("status"),
        FieldPanel("send_at"),
    ]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.newsletter}: {self.subject}"


class IssueDelivery(models.Model):
    """An issue sent to a subscriber: at most one per (issue, subscriber)."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey(
        "mail.OutboundEmail", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "issue deliveries"
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="issue_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}"


NURTURE_TEMPLATES = [
    ("welcome_resources", "Welcome: our best resources"),
    ("industry_case_study", "Case study from the reader's industry"),
    ("webinar_invite", "Webinar invitation"),
    ("guide_delivery", "Your guide + three more resources"),
    ("roundtable_invite", "CTO roundtable invitation"),
    ("nurture_generic", "Plain note (the intro text only)"),
]


class Sequence(ClusterableModel):
    class Trigger(models.TextChoices):
        IDENTIFY = "identify", "Lead identified (first email known)"
        RESOURCE_DOWNLOAD = "resource_download", "Resource downloaded"
        MANUAL = "manual", "Manual enrolment only"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True, default="")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    is_active = models.BooleanField(default=True)
    exit_stage = models.CharField(
        max_length=20,
        default="opportunity",
        choices=[
            ("qualified", "Qualified"),
            ("opportunity", "Opportunity"),
            ("customer", "Customer"),
        ],
        help_text="A lead at this stage or later has converted and leaves the sequence.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("trigger"), FieldPanel("exit_stage"), FieldPanel("is_active")]),
        InlinePanel("steps", heading="Steps", label="Step"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SequenceStep(models.Model):
    class ConditionOp(models.TextChoices):
        NONE = "", "Always"
        EQUALS = "eq", "equals"
        NOT_EQUALS = "ne", "does not equal"
        IS_EMPTY = "empty", "is empty"
        NOT_EMPTY = "not_empty", "is filled in"

    CONDITION_FIELDS = (
        ("industry", "Industry"),
        ("role", "Role"),
        ("company_size", "Company size"),
        ("source", "Source"),
        ("stage", "Stage"),
        ("budget", "Budget"),
        ("timeline", "Timeline"),
    )

    sequence = ParentalKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    delay_hours = models.PositiveIntegerField(
        help_text="Hours after enrolment (24 = day 1, 72 = day 3, 168 = day 7)."
    )
    template = models.CharField(
        max_length=100,
        choices=NURTURE_TEMPLATES,
        help_text="Email layout (templates/mail/<name>.txt and .html).",
    )
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, default="", help_text="Opening paragraph.")
    only_if_not_qualified = models.BooleanField(
        default=False, help_text="Skip this step when the lead is already qualified."
    )
    condition_field = models.CharField(
        max_length=30, blank=True, default="", choices=CONDITION_FIELDS
    )
    condition_op = models.CharField(
        max_length=10, blank=True, default="", choices=ConditionOp.choices
    )
    condition_value = models.CharField(max_length=100, blank=True, default="")

    panels = [
        FieldRowPanel([FieldPanel("position"), FieldPanel("delay_hours")]),
        FieldRowPanel([FieldPanel("template"), FieldPanel("subject")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("only_if_not_qualified"),
                FieldRowPanel(
                    [
                        FieldPanel("condition_field"),
                        FieldPanel("condition_op"),
                        FieldPanel("condition_value"),
                    ]
                ),
            ],
            heading="Send only if",
        ),
    ]

    class Meta:
        ordering = ["sequence", "position", "delay_hours"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="step_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sequence} #{self.position} (+{self.delay_hours}h)"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        EXITED = "exited", "Left"

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrolments")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=30, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    exit_reason = models.CharField(max_length=40, blank=True, default="")
    enrolled_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sequence", "lead"], name="enrolment_once_per_lead")
        ]
        indexes = [models.Index(fields=["status", "enrolled_at"], name="enrolment_due_idx")]

    def __str__(self) -> str:
        return f"{self.lead_id} in {self.sequence} ({self.status})"


class StepSend(models.Model):
    """The decision for one step of one enrolment, taken exactly once."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (condition)"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sends")
    step = models.ForeignKey(SequenceStep, on_delete=models.CASCADE, related_name="sends")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=100, blank=True, default="")
    email = models.ForeignKey(
        "mail.OutboundEmail", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="step_send_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.step_id}: {self.status}"


class TriggerCursor(models.Model):
    """High-water mark of a trigger scan (e.g. the last interaction id looked at)."""

    name = models.CharField(max_length=50, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.position}"
