"""Writes of the events app, one module per concern (re-exported here, so
``from events.services import ...`` keeps working): ``registration`` (the one entry point
for the page form, the API and the chat), ``cancellation`` with waitlist promotion,
``notifications`` (emails sent exactly once), ``attendance`` and ``creation`` (staff API).

Seats are guarded in the database: every change to an event's seats runs in a transaction
that first locks the event's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite takes its
write lock at ``BEGIN IMMEDIATE``), so the count of ``registered`` rows read under the lock
is the count that commits. One registration per lead and event is a unique constraint.
"""

from __future__ import annotations

from events.services.attendance import (
    ImportResult,
    attendance_import_api,
    attendance_import_zoom,
    attendance_interaction_type,
    attendance_mark,
)
from events.services.cancellation import (
    event_fill_from_waitlist,
    registration_cancel,
    registration_cancel_token,
    registration_from_cancel_token,
)
from events.services.creation import (
    event_create,
)
from events.services.notifications import (
    EMAIL_FLAGS,
    event_cancellation_notify,
    follow_ups_dispatch,
    registration_email_send,
    reminders_dispatch,
)
from events.services.registration import (
    CANCEL_SALT,
    CANCELLED,
    MAX_ANSWER_LENGTH,
    REGISTERED,
    WAITLISTED,
    CancelResult,
    RegistrationError,
    RegistrationResult,
    event_register,
)

__all__ = [
    "CANCELLED",
    "CANCEL_SALT",
    "CancelResult",
    "EMAIL_FLAGS",
    "ImportResult",
    "MAX_ANSWER_LENGTH",
    "REGISTERED",
    "RegistrationError",
    "RegistrationResult",
    "WAITLISTED",
    "attendance_import_api",
    "attendance_import_zoom",
    "attendance_interaction_type",
    "attendance_mark",
    "event_cancellation_notify",
    "event_create",
    "event_fill_from_waitlist",
    "event_register",
    "follow_ups_dispatch",
    "registration_cancel",
    "registration_cancel_token",
    "registration_email_send",
    "registration_from_cancel_token",
    "reminders_dispatch",
]
