"""Nurture sequences: ``sequence_enrol`` on a trigger, ``sequence_run_due`` from beat; every
step is decided once (sent or skipped) under the unique (enrolment, step) constraint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from experiments.facade import email_exposure_record, email_subject_for
from leads.facade import Lead, consent_latest
from mail.facade import queue_template_email
from nurture.models import (
    Enrolment,
    Sequence,
    SequenceStep,
    StepSend,
    Subscriber,
    TriggerCursor,
)
from nurture.services.subscribers import (
    _subscriber_for,
    list_unsubscribe_headers,
    preferences_url,
    unsubscribe_url,
)

# --- Nurture sequences ---------------------------------------------------------------------------


def marketing_allowed(lead: Lead) -> bool:
    """The latest marketing consent is granted and the address has not unsubscribed."""
    if lead.deleted_at is not None or getattr(lead, "erased_at", None) is not None:
        return False
    if (lead.preferences or {}).get("do_not_contact"):
        return False
    latest = consent_latest(lead_id=lead.pk, purpose="marketing")
    if latest is None or not latest.granted:
        return False
    return not Subscriber.objects.filter(
        email_normalized=lead.email_normalized, unsubscribed_at__isnull=False
    ).exists()


def lead_converted(lead: Lead, sequence: Sequence) -> bool:
    return lead.outcome == "won" or Lead.stage_rank(lead.stage) >= Lead.stage_rank(
        sequence.exit_stage
    )


@transaction.atomic
def sequence_enrol(
    *, lead: Lead, trigger: str, sequence: Sequence | None = None, at: dt.datetime | None = None
) -> list[Enrolment]:
    """Enrol a lead in the active sequences of a trigger (or one sequence); once per sequence."""
    if not lead.email or not marketing_allowed(lead):
        return []
    if sequence is not None:
        sequences = [sequence]
    else:
        sequences = list(Sequence.objects.filter(trigger=trigger, is_active=True))
    out = []
    for seq in sequences:
        if lead_converted(lead, seq):
            continue
        enrolment, created = Enrolment.objects.get_or_create(
            sequence=seq,
            lead=lead,
            defaults={"trigger": trigger, "enrolled_at": at or timezone.now()},
        )
        if created:
            out.append(enrolment)
    return out


@transaction.atomic
def enrolments_exit(*, lead: Lead, reason: str) -> int:
    return Enrolment.objects.filter(lead=lead, status=Enrolment.Status.ACTIVE).update(
        status=Enrolment.Status.EXITED, exit_reason=reason[:40], finished_at=timezone.now()
    )


def step_condition_met(step: SequenceStep, lead: Lead) -> tuple[bool, str]:
    if step.only_if_not_qualified and Lead.stage_rank(lead.stage) >= Lead.stage_rank("qualified"):
        return False, "already qualified"
    if step.condition_field and step.condition_op:
        value = str(getattr(lead, step.condition_field, "") or "").strip().lower()
        expected = step.condition_value.strip().lower()
        ok = {
            "eq": value == expected,
            "ne": value != expected,
            "empty": value == "",
            "not_empty": value != "",
        }.get(step.condition_op, True)
        if not ok:
            return False, f"{step.condition_field} {step.condition_op} {step.condition_value}"[:100]
    return True, ""


def _step_context(step: SequenceStep, lead: Lead) -> dict[str, Any]:
    from nurture.selectors import case_study_for, recommendations_for

    subscriber = _subscriber_for(lead.email)
    return {
        "lead": lead,
        "step": step,
        "intro": step.intro,
        "resources": recommendations_for(lead=lead, limit=3),
        "case_study": case_study_for(lead=lead),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "preferences_url": preferences_url(subscriber),
        "_subscriber": subscriber,
    }


def enrolment_advance(*, enrolment_id: int, now: dt.datetime | None = None) -> list[StepSend]:
    """Decide every due step of one enrolment, in order; each at most once."""
    now = now or timezone.now()
    decided: list[StepSend] = []
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sequence", "lead")
            .filter(pk=enrolment_id, status=Enrolment.Status.ACTIVE)
            .first()
        )
        if enrolment is None:
            return decided
        lead = Lead.all_objects.get(pk=enrolment.lead_id)
        if lead_converted(lead, enrolment.sequence):
            _finish(enrolment, Enrolment.Status.EXITED, "converted", now)
            return decided
        if not marketing_allowed(lead):
            _finish(enrolment, Enrolment.Status.EXITED, "unsubscribed", now)
            return decided
        steps = list(enrolment.sequence.steps.order_by("position", "delay_hours"))
        done = set(enrolment.sends.values_list("step_id", flat=True))
        for step in steps:
            if step.pk in done:
                continue
            if enrolment.enrolled_at + dt.timedelta(hours=step.delay_hours) > now:
                break
            met, reason = step_condition_met(step, lead)
            try:
                with transaction.atomic():
                    send = StepSend.objects.create(
                        enrolment=enrolment,
                        step=step,
                        status=StepSend.Status.SENT if met else StepSend.Status.SKIPPED,
                        reason=reason,
                    )
            except IntegrityError:
                continue
            if met:
                context = _step_context(step, lead)
                subscriber = context.pop("_subscriber")
                # A subject test on this step: the lead's sticky variant (as on the site).
                choice = email_subject_for(
                    lead_id=lead.pk, default=step.subject, sequence_step_id=step.pk
                )
                send.email_id = queue_template_email(
                    to=lead.email,
                    template=step.template,
                    context=context,
                    lead_id=lead.pk,
                    headers=list_unsubscribe_headers(subscriber, None),
                    category=f"nurture:{enrolment.sequence.slug}",
                    subject=choice.subject,
                ).id
                send.save(update_fields=["email"])
                email_exposure_record(choice=choice, email_id=send.email_id)
            decided.append(send)
            done.add(step.pk)
        if len(done) >= len(steps):
            _finish(enrolment, Enrolment.Status.COMPLETED, "", now)
    return decided


def _finish(enrolment: Enrolment, status: str, reason: str, now: dt.datetime) -> None:
    enrolment.status = status
    enrolment.exit_reason = reason
    enrolment.finished_at = now
    enrolment.save(update_fields=["status", "exit_reason", "finished_at"])


def sequence_run_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Advance every active enrolment that has a step due (the beat task's body)."""
    now = now or timezone.now()
    ids = list(
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, enrolled_at__lte=now)
        .order_by("enrolled_at")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for pk in ids:
        count += len(enrolment_advance(enrolment_id=pk, now=now))
    return count


def sequence_triggers_scan(*, lookback: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Enrol leads from triggers: newly identified leads and new resource downloads."""
    from analytics.facade import interactions

    enrolled = 0
    since = timezone.now() - lookback
    identify_sequences = Sequence.objects.filter(trigger=Sequence.Trigger.IDENTIFY, is_active=True)
    if identify_sequences.exists():
        leads = (
            Lead.objects.filter(created_at__gte=since)
            .exclude(stage=Lead.Stage.ANONYMOUS)
            .exclude(email="")
            .exclude(
                pk__in=Enrolment.objects.filter(sequence__in=identify_sequences).values("lead")
            )
        )
        for lead in leads[:500]:
            enrolled += len(sequence_enrol(lead=lead, trigger=Sequence.Trigger.IDENTIFY))
    with transaction.atomic():
        cursor, _ = TriggerCursor.objects.select_for_update().get_or_create(
            name="resource_download"
        )
        rows = list(
            interactions()
            .filter(type="resource_download", pk__gt=cursor.position, lead__isnull=False)
            .order_by("pk")
            .values_list("pk", "lead_id")[:500]
        )
        for pk, lead_id in rows:
            lead = Lead.objects.filter(pk=lead_id).first()
            if lead is not None:
                enrolled += len(
                    sequence_enrol(lead=lead, trigger=Sequence.Trigger.RESOURCE_DOWNLOAD)
                )
            cursor.position = pk
        cursor.save(update_fields=["position", "updated_at"])
    return enrolled


@transaction.atomic
def sequence_enrol_one(*, lead_id: Any, sequence_id: int, trigger: str) -> tuple[int | None, str]:
    """Enrol one lead in one sequence on behalf of another app (an automated intervention).
    Returns ``(enrolment id, "")`` when enrolled now, else ``(None, why not)``."""
    lead = Lead.objects.filter(pk=lead_id).first()
    seq = Sequence.objects.filter(pk=sequence_id).first()
    if lead is None or seq is None:
        return None, "lead or sequence not found"
    if not seq.is_active:
        return None, "sequence is not active"
    if not lead.email or not marketing_allowed(lead):
        return None, "no marketing consent"
    if lead_converted(lead, seq):
        return None, "already converted"
    if Enrolment.objects.filter(sequence=seq, lead=lead).exists():
        return None, "already enrolled"
    got = sequence_enrol(lead=lead, trigger=trigger[:30], sequence=seq)
    return (got[0].pk, "") if got else (None, "already enrolled")


@transaction.atomic
def email_subject_set(
    *, sequence_step_id: int | None = None, newsletter_issue_id: int | None = None, subject: str
) -> int:
    """Write a new subject into a step's or an issue's email (an experiment's winner)."""
    subject = subject.strip()[:200]
    if not subject:
        return 0
    changed = 0
    if sequence_step_id is not None:
        changed += SequenceStep.objects.filter(pk=sequence_step_id).update(subject=subject)
    if newsletter_issue_id is not None:
        from nurture.models import NewsletterIssue

        changed += NewsletterIssue.objects.filter(pk=newsletter_issue_id).update(subject=subject)
    return changed
