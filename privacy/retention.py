"""Retention: delete or erase what has been kept longer than its period (seed 11.2).

Periods come from ``settings.PRIVACY_RETENTION_DAYS``. Each rule names a model by label and
is skipped when the model (or the time field it needs) does not exist in this build. Work
happens in batches of ``PRIVACY_RETENTION_BATCH_SIZE``; running twice deletes nothing more.
Leads are erased through the same code as a person's own request (``subject_erase``), so
their interactions, conversations and registrations go with them and a DeletionLog row
records the counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from privacy.registry import model_for_label

logger = logging.getLogger(__name__)

DELETE, ERASE = "delete", "erase"
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Rule:
    name: str  # key in PRIVACY_RETENTION_DAYS
    labels: tuple[str, ...]  # first model label that exists is used
    time_fields: tuple[str, ...]  # first field that exists is the age of a row
    action: str = DELETE
    condition: Callable[[type[models.Model]], Q | None] | None = None
    description: str = ""

    def model(self) -> type[models.Model] | None:
        for label in self.labels:
            model = model_for_label(label)
            if model is not None:
                return model
        return None

    def expired(self, cutoff: datetime) -> models.QuerySet | None:
        model = self.model()
        if model is None:
            return None
        names = {f.name for f in model._meta.concrete_fields}
        if self.name in ("leads_unconverted", "customers"):
            if not {"created_at", "last_visit_at"} <= names:
                return None
            qs = model._base_manager.annotate(
                _last_activity=Greatest("created_at", Coalesce("last_visit_at", "created_at"))
            ).filter(_last_activity__lt=cutoff)
        else:
            field = next((f for f in self.time_fields if f in names), None)
            if field is None:
                return None
            qs = model._base_manager.filter(**{f"{field}__lt": cutoff})
        if self.condition is not None:
            extra = self.condition(model)
            if extra is None:
                return None
            qs = qs.filter(extra)
        return qs


def _live_leads(model: type[models.Model]) -> Q:
    return Q(erased_at__isnull=True) if _has(model, "erased_at") else Q()


def _has(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _unconverted(model: type[models.Model]) -> Q:
    return _live_leads(model) & ~Q(stage="customer") & ~Q(outcome="won")


def _customers(model: type[models.Model]) -> Q:
    return _live_leads(model) & (Q(stage="customer") | Q(outcome="won"))


def _unconfirmed(model: type[models.Model]) -> Q | None:
    if _has(model, "confirmed_at"):
        return Q(confirmed_at__isnull=True)
    if _has(model, "confirmed"):
        return Q(confirmed=False)
    if _has(model, "status"):
        return Q(status__in=["pending", "unconfirmed"])
    return None


RULES: tuple[Rule, ...] = (
    Rule(
        "interactions",
        ("analytics.Interaction",),
        ("occurred_at", "created_at"),
        description="tracked interactions",
    ),
    Rule(
        "conversations",
        ("chat.Conversation",),
        ("last_message_at", "updated_at", "started_at", "created_at"),
        description="chat conversations with their messages",
    ),
    Rule(
        "newsletter_unconfirmed",
        ("nurture.Subscriber", "nurture.NewsletterSubscription", "nurture.Subscription"),
        ("created_at", "subscribed_at"),
        condition=_unconfirmed,
        description="newsletter sign-ups never confirmed",
    ),
    Rule(
        "leads_unconverted",
        ("leads.Lead",),
        (),
        action=ERASE,
        condition=_unconverted,
        description="leads that never became customers, after their last activity",
    ),
    Rule(
        "customers",
        ("leads.Lead",),
        (),
        action=ERASE,
        condition=_customers,
        description="customers, after their last activity",
    ),
    Rule(
        "data_requests",
        ("privacy.DataRequest",),
        ("created_at",),
        description="subject-access request records",
    ),
)


def cutoff_for(rule: Rule, now: datetime | None = None) -> datetime:
    days = settings.PRIVACY_RETENTION_DAYS[rule.name]
    return (now or timezone.now()) - timedelta(days=days)


def retention_plan(*, now: datetime | None = None) -> dict[str, int]:
    """How many rows each rule would remove now (rules whose model is missing: skipped)."""
    counts: dict[str, int] = {}
    for rule in RULES:
        qs = rule.expired(cutoff_for(rule, now))
        if qs is not None:
            counts[rule.name] = qs.count()
    return counts


def retention_apply(
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Apply every rule in batches; returns rows deleted (or leads erased) per rule."""
    from privacy.models import DeletionLog
    from privacy.services import lead_erase

    batch = batch_size or settings.PRIVACY_RETENTION_BATCH_SIZE
    now = timezone.now()
    if dry_run:
        return retention_plan(now=now)
    counts: dict[str, int] = {}
    for rule in RULES:
        cutoff = cutoff_for(rule, now)
        qs = rule.expired(cutoff)
        if qs is None:
            continue
        done = 0
        while True:
            pks = list(qs.order_by("pk").values_list("pk", flat=True)[:batch])
            if not pks:
                break
            model = qs.model
            if rule.action == DELETE:
                _n, per_model = model._base_manager.filter(pk__in=pks).delete()
                removed = per_model.get(model._meta.label, 0)
            else:
                removed = 0
                for lead in model._base_manager.filter(pk__in=pks):
                    lead_erase(
                        lead=lead,
                        method=DeletionLog.Method.RETENTION,
                        verified_by=f"retention:{rule.name}",
                    )
                    removed += 1
            done += removed
            if progress is not None:
                progress(rule.name, removed)
            if removed == 0:  # pragma: no cover - defensive: never loop forever
                break
        counts[rule.name] = done
        logger.info("privacy retention: %s removed %s", rule.name, done)
    return counts
