"""Models of the events app: the events index and event pages (Wagtail), registrations,
and the log of attendance imports.

Operational state that changes while an event runs (seat counts, reminders sent,
attendance) lives on ``EventRegistration`` rows, never on the page: Wagtail rebuilds a page
from a revision when it is published, which would otherwise roll such columns back.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from core.pages import SeoMixin
from core.timefmt import local_datetime

DEFAULT_TIMEZONE = "Africa/Nairobi"


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"“{value}” is not a known IANA time zone.") from exc


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


# --- Registration fields -------------------------------------------------------------------
# Fields a marketer can require at registration. ``lead`` fields are saved on the lead
# (progressive profiling: asked only while the lead does not have them); ``event`` fields
# are answers for this event only, asked every time and stored on the registration.


class FieldSpec:
    def __init__(self, label: str, target: str, choices: tuple[tuple[str, str], ...] = ()):
        self.label = label
        self.target = target
        self.choices = choices


COMPANY_SIZE_CHOICES = (
    ("1-10", "1–10"),
    ("11-50", "11–50"),
    ("51-200", "51–200"),
    ("201-500", "201–500"),
    ("500+", "500+"),
)
EXPERIENCE_CHOICES = (
    ("beginner", "Just getting started"),
    ("intermediate", "Some projects shipped"),
    ("advanced", "AI in production"),
)

REGISTRATION_FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec("Full name", "lead"),
    "company": FieldSpec("Company", "lead"),
    "role": FieldSpec("Role", "lead"),
    "phone": FieldSpec("Phone", "lead"),
    "company_size": FieldSpec("Company size", "lead", COMPANY_SIZE_CHOICES),
    "industry": FieldSpec("Industry", "lead"),
    "experience_level": FieldSpec("Experience with AI", "event", EXPERIENCE_CHOICES),
    "challenges": FieldSpec("Your biggest challenge right now", "event"),
    "hoping_to_learn": FieldSpec("What are you hoping to learn?", "event"),
    "dietary_requirements": FieldSpec("Dietary requirements", "event"),
}
LEAD_FIELDS = tuple(k for k, v in REGISTRATION_FIELDS.items() if v.target == "lead")
EVENT_FIELDS = tuple(k for k, v in REGISTRATION_FIELDS.items() if v.target == "event")


def validate_registration_fields(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("A list of field names is expected.")
    unknown = sorted(set(value) - set(REGISTRATION_FIELDS))
    if unknown:
        raise ValidationError(f"Unknown registration fields: {', '.join(unknown)}.")


# --- Blocks ---------------------------------------------------------------------------------


class SpeakerBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    title = blocks.CharBlock(max_length=120, required=False)
    company = blocks.CharBlock(max_length=120, required=False)
    photo = ImageChooserBlock(required=False)
    bio = blocks.TextBlock(required=False)

    class Meta:
        icon = "user"


class AgendaItemBlock(blocks.StructBlock):
    time = blocks.CharBlock(max_length=20, required=False, help_text="Local time, e.g. 14:00")
    title = blocks.CharBlock(max_length=160)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "time"


# --- Pages ------------------------------------------------------------------------------------


class EventIndexPage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    """``/events/``: upcoming and live events first, then past events with recordings."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = "events index"

    def get_context(self, request, *args, **kwargs):
        from events.selectors import event_list_past, event_list_upcoming

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_events"] = event_list_upcoming(parent=self)
        context["past_events"] = event_list_past(parent=self)[:12]
        return context


class EventPageForm(WagtailAdminPageForm):
    registration_fields = forms.MultipleChoiceField(
        choices=[(k, v.label) for k, v in REGISTRATION_FIELDS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Email is always asked. Lead fields are skipped when we already know them.",
    )


class EventPage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    """One event. Times are entered as the local wall-clock time in ``timezone``;
    ``starts_at``/``ends_at`` (UTC in the database) are derived from them on save."""

    class EventType(models.TextChoices):
        WEBINAR = "webinar", "Webinar"
        WORKSHOP = "workshop", "Workshop"
        ROUNDTABLE = "roundtable", "Roundtable"
        MEETUP = "meetup", "Meetup"

    class Format(models.TextChoices):
        VIRTUAL = "virtual", "Virtual"
        IN_PERSON = "in-person", "In person"
        HYBRID = "hybrid", "Hybrid"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        LIVE = "live", "Live"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    summary = models.TextField(help_text="One or two sentences for listings and the API.")
    value_proposition = models.CharField(max_length=200, blank=True)
    description = RichTextField(features=["bold", "italic", "link", "ol", "ul", "h3"])
    agenda = StreamField([("item", AgendaItemBlock())], blank=True)
    speakers = StreamField([("speaker", SpeakerBlock())], blank=True)

    start_date = models.DateField()
    start_time = models.TimeField(help_text="Local time in the event's time zone.")
    timezone = models.CharField(
        max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone]
    )
    duration_minutes = models.PositiveIntegerField(default=60, validators=[MinValueValidator(5)])
    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False, db_index=True)

    format = models.CharField(max_length=20, choices=Format.choices, default=Format.VIRTUAL)
    platform = models.CharField(max_length=60, blank=True, help_text="Zoom, Google Meet, …")
    join_url = models.URLField(
        blank=True, help_text="Sent to registrants only; never shown on the public page."
    )
    location = models.CharField(max_length=255, blank=True)

    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    registration_required = models.BooleanField(
        default=True,
        help_text="Off: anyone may join (the join link is shown publicly); "
        "registering still gets reminders.",
    )
    registration_fields = models.JSONField(
        default=list, blank=True, validators=[validate_registration_fields]
    )
    qualification_required = models.BooleanField(
        default=False, help_text="Only qualified leads (or later stages) may register."
    )
    waitlist_enabled = models.BooleanField(default=True)

    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recording_url = models.URLField(blank=True)
    cancelled = models.BooleanField(
        default=False, help_text="Cancelled events disappear from listings and registration."
    )

    base_form_class = EventPageForm
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("event_type"), FieldPanel("format")]),
        FieldPanel("summary"),
        FieldPanel("value_proposition"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("start_date"),
                        FieldPanel("start_time"),
                        FieldPanel("timezone", widget=forms.Select(choices=timezone_choices())),
                    ]
                ),
                FieldPanel("duration_minutes"),
            ],
            heading="Schedule",
        ),
        MultiFieldPanel(
            [FieldPanel("platform"), FieldPanel("join_url"), FieldPanel("location")],
            heading="Where",
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("registration_required"),
                FieldPanel("registration_fields"),
                FieldPanel("qualification_required"),
                FieldPanel("waitlist_enabled"),
            ],
            heading="Registration",
        ),
        FieldPanel("agenda"),
        FieldPanel("speakers"),
        FieldPanel("cover_image"),
        FieldPanel("recording_url"),
        FieldPanel("cancelled"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["uuid"]

    class Meta:
        verbose_name = "event"

    def save(self, *args, **kwargs):
        # Derived columns, kept in step with the editable local schedule.
        self.starts_at, self.ends_at = self.compute_schedule()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "starts_at", "ends_at"}
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.location:
            raise ValidationError({"location": "In-person and hybrid events need a location."})

    def compute_schedule(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.timezone or DEFAULT_TIMEZONE)
        local = datetime.combine(self.start_date, self.start_time).replace(tzinfo=tz)
        start = local.astimezone(ZoneInfo("UTC"))
        return start, start + timedelta(minutes=self.duration_minutes or 0)

    # The knowledge index reads event pages too (content.services.knowledge_sources).
    content_kind = "event"

    @property
    def in_knowledge_base(self) -> bool:
        """A cancelled event leaves the index (its page stays up to say so)."""
        return not self.cancelled

    def knowledge_sections(self) -> list[tuple[str, str]]:
        from events.knowledge import knowledge_sections

        return knowledge_sections(self)

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or DEFAULT_TIMEZONE)

    @property
    def starts_at_local(self) -> datetime:
        return self.starts_at.astimezone(self.tzinfo)

    @property
    def ends_at_local(self) -> datetime:
        return self.ends_at.astimezone(self.tzinfo)

    def status_at(self, now: datetime) -> str:
        if self.cancelled:
            return self.Status.CANCELLED
        if now < self.starts_at:
            return self.Status.UPCOMING
        if now < self.ends_at:
            return self.Status.LIVE
        return self.Status.COMPLETED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def recording_available(self) -> bool:
        return bool(self.recording_url)

    @property
    def is_virtual(self) -> bool:
        return self.format in (self.Format.VIRTUAL, self.Format.HYBRID)

    @property
    def is_physical(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    def serve(self, request, *args, **kwargs):
        from events.views import event_page_serve

        return event_page_serve(self, request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from events.selectors import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(event=self, request=request))
        return context


# --- Registrations ----------------------------------------------------------------------------


class EventRegistration(models.Model):
    """One lead's registration for one event (unique per lead and event)."""

    # One registration cycle's timestamps: shown together in the admin, cleared together
    # when a cancelled registration is taken up again.
    CYCLE_FIELDS = (
        "seat_confirmed_at",
        "waitlisted_at",
        "promoted_at",
        "cancelled_at",
        "confirmation_sent_at",
        "waitlist_email_sent_at",
        "promotion_email_sent_at",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "cancellation_email_sent_at",
        "event_cancelled_email_sent_at",
    )

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    class FollowUp(models.TextChoices):
        RECORDING = "recording", "Thanks + recording (attended)"
        MISSED = "missed", "Sorry we missed you (no-show)"

    class AttendanceSource(models.TextChoices):
        ADMIN = "admin", "Marked by staff"
        ZOOM_CSV = "zoom_csv", "Zoom attendee report"
        ZOOM_API = "zoom_api", "Zoom report (API)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=12, choices=Status.choices)
    source = models.CharField(max_length=40, blank=True, help_text="web, api, chat, …")
    data = models.JSONField(default=dict, blank=True, help_text="Answers given at registration.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seat_confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    attended = models.BooleanField(default=False)
    attended_at = models.DateTimeField(null=True, blank=True)
    attendance_minutes = models.PositiveIntegerField(null=True, blank=True)
    attendance_source = models.CharField(
        max_length=12, choices=AttendanceSource.choices, blank=True
    )
    questions_asked = models.PositiveIntegerField(default=0)
    poll_responses = models.PositiveIntegerField(default=0)

    # Each email at most once: claimed by a conditional UPDATE before it is sent.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    waitlist_email_sent_at = models.DateTimeField(null=True, blank=True)
    promotion_email_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)
    cancellation_email_sent_at = models.DateTimeField(null=True, blank=True)
    event_cancelled_email_sent_at = models.DateTimeField(null=True, blank=True)
    follow_up_kind = models.CharField(max_length=12, choices=FollowUp.choices, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "lead"], name="events_one_registration_per_lead"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["registered", "waitlisted", "cancelled"]),
                name="events_registration_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="events_reg_queue_idx"),
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.event_id} ({self.status})"


class AttendanceImport(models.Model):
    """A successful attendance update (CSV import or admin action); marks attendance as
    recorded for the event, which releases the post-event follow-ups."""

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="attendance_imports"
    )
    source = models.CharField(max_length=12, choices=EventRegistration.AttendanceSource.choices)
    filename = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    marked_attended = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, blank=True, help_text="Row numbers not registered.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.get_source_display()} for {self.event_id} at {local_datetime(self.created_at)}"
        )
