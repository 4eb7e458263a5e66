"""What the integrations remember: the HubSpot id mapping and sync state per object,
conflicts, webhook receipts (replay protection), pull cursors, pending remote erasures and
the Zoom meeting/registrant mapping."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CrmLink(models.Model):
    """One of our objects and its HubSpot twin: the stable id mapping and its sync state."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact (lead)"
        COMPANY = "company", "Company"
        MEETING = "meeting", "Meeting (demo booking)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to sync"
        SYNCED = "synced", "In sync"
        RETRYING = "retrying", "HubSpot unavailable, retrying"
        FAILED = "failed", "Refused by HubSpot"
        DELETED = "deleted", "Deleted"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Our key: a lead id, a normalised company name, a demo booking id.
    local_id = models.CharField(max_length=200)
    hubspot_id = models.CharField(max_length=32, blank=True, default="")
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="crm_links"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Our side changed since the last successful push.
    dirty = models.BooleanField(default=True)
    # Bumped on every local change: a push clears ``dirty`` only for the version it sent.
    version = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    pushed_at = models.DateTimeField(null=True, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "local_id"], name="crmlink_kind_local"),
            models.UniqueConstraint(
                fields=["kind", "hubspot_id"],
                condition=~Q(hubspot_id=""),
                name="crmlink_kind_hubspot",
            ),
        ]
        indexes = [
            models.Index(fields=["dirty", "kind"], name="crmlink_dirty_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_id} ↔ {self.hubspot_id or '(not yet)'}"


class SyncConflict(models.Model):
    """Both sides changed a field differently; which value won and why."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="crm_conflicts")
    field = models.CharField(max_length=50)
    ours = models.TextField(blank=True, default="")
    theirs = models.TextField(blank=True, default="")
    winner = models.CharField(max_length=10)  # "ours" | "theirs"
    rule = models.CharField(max_length=10)  # the field's ownership setting
    source = models.CharField(max_length=20)  # "webhook" | "pull"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.winner} won"


class WebhookReceipt(models.Model):
    """A HubSpot webhook event already applied (its eventId): a replay is ignored."""

    event_id = models.CharField(max_length=64, unique=True)
    subscription_type = models.CharField(max_length=60)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class SyncCursor(models.Model):
    """Where an incremental pull got to (e.g. HubSpot contacts modified after this time)."""

    name = models.CharField(max_length=60, unique=True)
    value = models.DateTimeField(null=True, blank=True)
    position = models.BigIntegerField(default=0)  # for cursors over our own row ids
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class RemoteErasure(models.Model):
    """An erasure to carry out in another system (HubSpot GDPR delete, PostHog person
    deletion). Holds only the other system's opaque id, kept until the deletion there
    succeeds; retried while the service is down."""

    class Service(models.TextChoices):
        HUBSPOT = "hubspot", "HubSpot contact (GDPR delete)"
        POSTHOG = "posthog", "PostHog person"

    service = models.CharField(max_length=10, choices=Service.choices)
    remote_id = models.CharField(max_length=64, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["done_at"], name="remote_erasure_done_idx")]

    def __str__(self) -> str:
        return f"{self.service} erasure {'done' if self.done_at else 'pending'}"


class ZoomMeeting(models.Model):
    """The Zoom meeting or webinar created for a published virtual event."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        WEBINAR = "webinar", "Webinar"

    event = models.OneToOneField(
        "events.EventPage", on_delete=models.CASCADE, related_name="zoom_meeting"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    zoom_id = models.CharField(max_length=32, blank=True, default="")
    join_url = models.URLField(max_length=500, blank=True, default="")
    last_error = models.CharField(max_length=500, blank=True, default="")
    report_pulled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.zoom_id or '(pending)'}"


class ZoomRegistrant(models.Model):
    """A registration pushed to Zoom as a meeting/webinar registrant."""

    registration = models.OneToOneField(
        "events.EventRegistration", on_delete=models.CASCADE, related_name="zoom_registrant"
    )
    registrant_id = models.CharField(max_length=64)
    join_url = models.URLField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.registrant_id
