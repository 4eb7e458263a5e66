"""HubSpot sync services, one module per direction (re-exported here, so
``from integrations.hubspot.sync import ...`` keeps working): ``push`` records our changes
and pushes them, ``pull`` pulls theirs and applies them (webhooks too), ``deletions``
propagates deletions and GDPR erasures both ways.

Durability: a local change sets ``CrmLink.dirty`` (and bumps ``version``) in the same
transaction as the change, then a push task is enqueued after commit. A push clears
``dirty`` only for the version it sent, so a change made during a push is sent next time.
While HubSpot is down the rows stay dirty (status ``retrying``) and the periodic sweep
sends them later; upserts are keyed by our lead id (``ementech_lead_id``), so a push whose
answer was lost is repeated without creating a second contact. No network call runs inside
a database transaction.
"""

from __future__ import annotations

from integrations.hubspot.sync.deletions import (
    contact_deleted_remotely,
    contact_erased_remotely,
    contact_gdpr_delete,
    erasure_requested,
)
from integrations.hubspot.sync.pull import (
    PULL_CURSOR,
    ApplyResult,
    RemoteContact,
    contacts_apply,
    contacts_pull,
)
from integrations.hubspot.sync.push import (
    BATCH,
    PushResult,
    contact_mark_dirty,
    contacts_mark_all_dirty,
    contacts_push,
    contacts_push_all,
    meeting_push,
)

__all__ = [
    "ApplyResult",
    "BATCH",
    "PULL_CURSOR",
    "PushResult",
    "RemoteContact",
    "contact_deleted_remotely",
    "contact_erased_remotely",
    "contact_gdpr_delete",
    "contact_mark_dirty",
    "contacts_apply",
    "contacts_mark_all_dirty",
    "contacts_pull",
    "contacts_push",
    "contacts_push_all",
    "erasure_requested",
    "meeting_push",
]
