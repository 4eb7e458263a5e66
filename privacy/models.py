"""Models of the privacy app: subject-access requests, the deletion log and suppressions.

None of these rows holds personal data in clear: emails are kept only as keyed hashes
(``privacy.hashing.email_hash``), link tokens only as SHA-256 digests, and leads are referred
to by id without a foreign key so the rows survive (and never block) erasure.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from core.timefmt import local_datetime


class DataRequest(models.Model):
    """A request by a person (verified by an emailed single-use link) or by staff."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASURE = "erasure", "Erasure"

    class Status(models.TextChoices):
        PENDING = "pending", "Link sent, waiting"
        NO_MATCH = "no_match", "No data held for this address"
        COMPLETED = "completed", "Completed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    email_hash = models.CharField(max_length=64, db_index=True)
    lead_id = models.UUIDField(null=True, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The client's Idempotency-Key: its retry of the same request stores nothing new.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="datarequest_idempotency_key_unique",
            )
        ]
        permissions = [
            ("export_personal_data", "Can export everything held about a person"),
            ("erase_personal_data", "Can erase a person's personal data"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} request {self.id} ({self.status})"


class DeletionLog(models.Model):
    """Proof that an erasure happened: no personal data, only hashes and counts."""

    class Method(models.TextChoices):
        USER_REQUEST = "user_request", "Person's request (verified by email link)"
        STAFF = "staff", "Staff request"
        STAFF_BULK = "staff_bulk", "Staff bulk erasure (password re-entered)"
        RETENTION = "retention", "Retention policy"

    email_hash = models.CharField(max_length=64, db_index=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    verified_by = models.CharField(max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data_request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"erasure {self.pk} by {self.method} at {local_datetime(self.created_at)}"


class Suppression(models.Model):
    """An erased address (hashed) that bulk imports must not bring back."""

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, default="erasure")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"suppressed {self.email_hash[:12]}…"
