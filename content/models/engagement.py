"""Engagement and personalisation: per-page counters, engagement rows, precomputed "for
you" feeds and download grants.
"""

from __future__ import annotations

from django.db import models

# --- Engagement and personalisation ---------------------------------------------------------


class ContentStats(models.Model):
    """Per-page counters (kept off the page so counting never creates revisions)."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)
    download_requests = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "content stats"

    def __str__(self) -> str:
        return f"stats for page {self.page_id}"


class EngagementKind(models.TextChoices):
    VIEW = "view", "View"
    DOWNLOAD_REQUEST = "download_request", "Download link requested"
    DOWNLOAD = "download", "Download"


class ContentEngagement(models.Model):
    """Who engaged with which page: the input of recommendations and journeys."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EngagementKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["visitor", "created_at"]),
            models.Index(fields=["lead", "created_at"]),
            models.Index(fields=["page", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of page {self.page_id}"


class PersonalisedFeed(models.Model):
    """Precomputed "for you" items of a visitor or lead (computed in Celery, read on render).

    ``subject_key`` is ``lead:<uuid>`` or ``visitor:<uuid>``; ``items`` is a list of
    ``{"page_id", "title", "url", "type", "reason", "score"}``.
    """

    subject_key = models.CharField(max_length=60, unique=True)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    items = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"feed {self.subject_key}"


class DownloadGrant(models.Model):
    """A signed download link that was issued (for counting and auditing, not for auth:
    the signature in the link is what authorises it)."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document_id = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    downloads = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"grant {self.pk} for page {self.page_id}"
