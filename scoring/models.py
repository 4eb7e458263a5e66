"""Models of the scoring app.

- ``ScoringModel``: a trained (learned) scoring model, versioned; at most one is active.
  Without an active one the weighted rules (settings ``SCORING_WEIGHTS``) score leads.
- ``ScoreSnapshot``: the score history of a lead, one row each time its score or grade
  changed (who/what rescored it is in ``reason``).
- ``ScoreAlert``: a hot-lead alert (grade A reached, high-intent trigger), at most one per
  lead and reason (database constraint), with the channels it was delivered to.

The seed's custom metrics (``Metric``) and the dashboard permission live in ``analytics``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.timefmt import local_datetime


class ScoringModel(models.Model):
    """A learned model trained by ``manage.py train_scoring_model`` (joblib bytes)."""

    version = models.PositiveIntegerField(unique=True)
    algorithm = models.CharField(max_length=50)
    feature_names = models.JSONField(default=list)
    artifact = models.BinaryField()
    metrics = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="scoring_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return f"{self.algorithm} v{self.version}{' (active)' if self.is_active else ''}"

    @property
    def label(self) -> str:
        return f"learned:v{self.version}"


class ScoreSnapshot(models.Model):
    """One point of a lead's score history."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="score_history")
    score = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=1)
    fit_score = models.PositiveSmallIntegerField(default=0)
    engagement_score = models.PositiveSmallIntegerField(default=0)
    factors = models.JSONField(default=dict, blank=True)
    model_label = models.CharField(max_length=40, default="rules")
    reason = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["lead", "-created_at"], name="scoresnap_lead_idx")]
        verbose_name = "score snapshot"

    def __str__(self) -> str:
        return f"{self.score} ({self.grade}) · {local_datetime(self.created_at)}"


class ScoreAlert(models.Model):
    """A hot-lead alert, raised once per (lead, reason)."""

    class Reason(models.TextChoices):
        GRADE_A = "grade_a", "Grade A reached"
        HIGH_INTENT = "high_intent", "High-intent trigger"

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="score_alerts")
    reason = models.CharField(max_length=80)
    details = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    grade = models.CharField(max_length=1, blank=True, default="")
    # channel -> ISO timestamp of delivery ("dashboard", "email", "slack"); retries skip
    # the channels already done.
    deliveries = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "reason"], name="scorealert_once_per_reason")
        ]

    def __str__(self) -> str:
        return f"{self.reason} for {self.lead_id}"
