"""The leads app's public surface: the only module another app imports from ``leads``.

- **Capture and identity**: ``lead_capture``/``lead_signup`` (create-or-update by email
  with consent), ``ConsentInput`` and the one consent parser ``ConsentSerializer`` (the
  contract's consent object -> ``ConsentInput``), ``CaptureError``, ``capture_ip``,
  ``visitor_touch``, the visitor cookie (``VISITOR_COOKIE``, ``visitor_id_from_request``,
  ``visitor_id_from_scope``, ``visitor_id_from_cookie``, ``visitor_cookie_set``,
  ``visitor_cookie_value``),
  ``identity_for_request``, ``identity_of`` (what ``core.context`` builds the request
  context on), ``lead_for_request``, ``visitor_latest_id`` and ``lead_segment``.
  Services that act for a browser take its ``core.context.RequestContext`` as ``ctx=``
  (``lead_signup``, ``visitor_touch``, ``capture_ip``), never the request.
- **Staff and sales writes** (audited, with an ``actor``): ``lead_update``,
  ``lead_assign``, ``lead_change_stage``, ``lead_soft_delete``, ``notify_sales``;
  ``lead_audit`` records what another app did to a lead (who, what, why).
- **Scores** (computed by ``scoring``, written here): ``lead_score_save`` (one lead, under
  the caller's row lock) and ``lead_scores_save`` (many, set-based, with ``LeadScore``).
- **Other systems' writes** (``leads.services.records``): ``lead_fields_pulled`` (fields a
  CRM changed, audited), ``leads_create_from`` (leads a CRM knows, with ``LeadNew``,
  audited), ``lead_ai_data_set`` (one key of ``ai_data``, for predictions) and
  ``lead_profile_extra_set`` (a tool's data).
- **Synthetic demo rows** (``leads.services.synthetic``, for ``load_demo --history``):
  ``SyntheticLead``, ``synthetic_leads_replace``, ``synthetic_visitors_create``,
  ``synthetic_delete``, and ``synthetic_leads_q``, ``synthetic_lead_ids``,
  ``is_synthetic_email`` (the test of "synthetic" that real reporting and alerts use to
  leave them out; ``SYNTHETIC_DOMAIN``).
- **Progressive profiling**: ``next_fields``, ``profile_form_fields``,
  ``profile_field_filled``, the industry vocabulary ``INDUSTRIES``, and profile inference
  (missing fields guessed from behaviour, logged, applied only when confident and only to
  empty fields): ``profile_infer``, ``profiles_infer_recent``, ``lead_inferences_apply``;
  the consent ledger: ``consent_record`` (append a decision), its current state
  ``consent_current`` and ``consent_latest`` (a ``ConsentDecision``).
- **Processing**: ``lead_events_process_later`` (behaviours, triggers and stage checks of
  a lead's new interactions, in Celery).
- **Tables other apps still query** (``Lead``, ``Visitor``, ``ConsentRecord``,
  ``LeadAudit``, ``LeadTrigger``): transitional, for reads (joins, dashboards, template
  contexts). Writes go through the functions above: ``tests/leads_writes.py`` fails a
  test when another app writes a leads table, except the writers its ``ALLOWED`` list
  still names (privacy's erasure and retention, the tracking visitor upsert, a tool's
  data). New code adds a function here instead.

The functions are the services' and selectors' own (keyword-only, typed), resolved on
first use so that importing the facade loads only ``leads.models``. Foreign keys to leads
stay string labels (``"leads.Lead"``).
"""

from __future__ import annotations

import importlib
from typing import Any

from leads.identity import VISITOR_COOKIE
from leads.models import ConsentRecord, Lead, LeadAudit, LeadTrigger, Visitor
from leads.services.inputs import CaptureError, CaptureResult, ConsentInput

# name -> the leads module that defines it (imported on first use)
_LAZY = {
    "capture_ip": "leads.services",
    "lead_assign": "leads.services",
    "lead_audit": "leads.services",
    "lead_capture": "leads.services",
    "lead_change_stage": "leads.services",
    "lead_signup": "leads.services",
    "lead_soft_delete": "leads.services",
    "lead_update": "leads.services",
    "lead_email_correct": "leads.services.correction",
    "notify_sales": "leads.services",
    "visitor_touch": "leads.services",
    "lead_inferences_apply": "leads.services.inference",
    "profile_infer": "leads.services.inference",
    "profiles_infer_recent": "leads.services.inference",
    "INDUSTRIES": "leads.profiling",
    "LeadScore": "leads.services.scores",
    "LeadNew": "leads.services.records",
    "lead_fields_pulled": "leads.services.records",
    "leads_create_from": "leads.services.records",
    "lead_ai_data_set": "leads.services.records",
    "lead_profile_extra_set": "leads.services.records",
    "lead_score_save": "leads.services.scores",
    "lead_scores_save": "leads.services.scores",
    "consent_current": "leads.selectors",
    "consent_latest": "leads.selectors",
    "ConsentDecision": "leads.selectors",
    "consent_record": "leads.services",
    "lead_for_request": "leads.selectors",
    "next_fields": "leads.selectors",
    "identity_for_request": "leads.identity",
    "identity_of": "leads.identity",
    "visitor_id_from_cookie": "leads.identity",
    "visitor_id_from_request": "leads.identity",
    "visitor_id_from_scope": "leads.identity",
    "visitor_cookie_set": "leads.cookies",
    "visitor_cookie_value": "leads.identity",
    "ConsentSerializer": "leads.serializers",
    "SyntheticLead": "leads.services.synthetic",
    "SYNTHETIC_DOMAIN": "leads.services.synthetic",
    "synthetic_delete": "leads.services.synthetic",
    "is_synthetic_email": "leads.services.synthetic",
    "synthetic_lead_ids": "leads.services.synthetic",
    "synthetic_leads_q": "leads.services.synthetic",
    "synthetic_leads_replace": "leads.services.synthetic",
    "synthetic_visitors_create": "leads.services.synthetic",
}

__all__ = [
    "VISITOR_COOKIE",
    "CaptureError",
    "CaptureResult",
    "ConsentInput",
    "ConsentRecord",
    "Lead",
    "LeadAudit",
    "LeadTrigger",
    "Visitor",
    "lead_events_process_later",
    "lead_segment",
    "profile_field_filled",
    "profile_form_fields",
    "visitor_latest_id",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leads.facade' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def lead_events_process_later(*, lead_id: Any) -> None:
    """Process the lead's new interactions (behaviours, triggers, stage) in Celery, after
    the current transaction commits."""
    from core.queue import enqueue
    from leads.tasks import process_lead_events

    enqueue(process_lead_events, str(lead_id))


def profile_form_fields(*, form: str) -> tuple[str, ...]:
    """The profile fields a form may ask for (progressive profiling)."""
    from leads import profiling

    return tuple(profiling.FORM_FIELDS[form])


def profile_field_filled(*, value: Any) -> bool:
    """Whether a profile field's value counts as known."""
    from leads import profiling

    return profiling.is_filled(value)


def lead_segment(*, lead_id: Any) -> tuple[str, str]:
    """``(grade, industry)`` of a live lead; empty strings when there is none."""
    row = Lead.objects.filter(pk=lead_id).values_list("grade", "industry").first()
    return row or ("", "")


def visitor_latest_id(*, lead_id: Any) -> Any:
    """The id of the lead's most recently seen visitor (browser), or None."""
    return (
        Visitor.objects.filter(lead_id=lead_id)
        .order_by("-last_seen")
        .values_list("pk", flat=True)
        .first()
    )
