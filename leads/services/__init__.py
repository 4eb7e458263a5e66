"""Writes of the leads app: visitors, capture (create-or-update by email), consent ledger,
identity stitching, staff edits with audit, behaviours and triggers, stage moves.

Every function is keyword-only and transactional. Slow work (behaviours, triggers, stage
checks, emails) is enqueued after commit and is idempotent: triggers and stage actions are
guarded by a unique ``LeadTrigger`` row per condition, under a row lock on the lead.

The package is split along the old module's banners; this module re-exports the public
names, so ``from leads.services import lead_capture`` keeps working.
"""

from leads.services.behaviours import (
    HIGH_INTENT_SECONDS,
    REENGAGEMENT_GAP,
    SALES_GROUP,
    VISIT_GAP,
    lead_process_events,
    lead_stage_check,
)
from leads.services.capture import (
    FORM_INTERACTION,
    SignupResult,
    capture_ip,
    lead_capture,
    lead_signup,
)
from leads.services.consent import consent_record, wording_hash
from leads.services.inputs import (
    PROFILE_FIELDS,
    STAFF_FIELDS,
    CaptureError,
    CaptureResult,
    ConsentInput,
    lead_preview,
    normalize_email,
)
from leads.services.staff import (
    SALES_FEED_GROUP,
    lead_assign,
    lead_audit,
    lead_change_stage,
    lead_soft_delete,
    lead_update,
    notify_sales,
)
from leads.services.visitors import visitor_link, visitor_touch

__all__ = [
    "FORM_INTERACTION",
    "HIGH_INTENT_SECONDS",
    "PROFILE_FIELDS",
    "REENGAGEMENT_GAP",
    "SALES_FEED_GROUP",
    "SALES_GROUP",
    "STAFF_FIELDS",
    "VISIT_GAP",
    "CaptureError",
    "CaptureResult",
    "ConsentInput",
    "SignupResult",
    "capture_ip",
    "consent_record",
    "lead_assign",
    "lead_audit",
    "lead_capture",
    "lead_change_stage",
    "lead_preview",
    "lead_process_events",
    "lead_signup",
    "lead_soft_delete",
    "lead_stage_check",
    "lead_update",
    "normalize_email",
    "notify_sales",
    "visitor_link",
    "visitor_touch",
    "wording_hash",
]
