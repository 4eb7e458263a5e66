"""Custom finders (rows found by what a person typed, by admin history, by form data) and
the replacement values erasure writes into anonymised fields.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models import Q

from privacy.hashing import erased_email
from privacy.registry.subject import Subject

# --- custom finders and replacements -----------------------------------------------------


def _admin_log_finder(subject: Subject) -> Q | None:
    """Django admin history rows about the subject's lead and visitor objects."""
    from django.contrib.contenttypes.models import ContentType

    from leads.facade import Lead, Visitor

    parts = Q(pk__in=[])
    for model, ids in ((Lead, subject.lead_ids), (Visitor, subject.visitor_ids)):
        if ids:
            ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
            parts |= Q(content_type=ct, object_id__in=[str(i) for i in ids])
    return parts


def _form_submission_finder(subject: Subject) -> Q | None:
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(form_data__email__iexact=address)
    return parts


def _data_request_finder(subject: Subject) -> Q | None:
    parts = Q(lead_id__in=list(subject.lead_ids))
    hashes = subject.email_hashes
    if hashes:
        parts |= Q(email_hash__in=list(hashes))
    return parts


PHONE_TAIL_DIGITS = 9  # national number without the country or trunk prefix


def phone_pattern(phone: str) -> str | None:
    """A regex finding a phone number as people type it (spaces, dots, dashes, brackets
    between digits; any country prefix); None when too short to be specific."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return None
    return r"[\s().-]*".join(digits[-PHONE_TAIL_DIGITS:])


def _typed_text_q(subject: Subject, prefix: str = "") -> Q:
    """Chat messages in which the person typed one of their addresses or phone numbers."""
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(**{f"{prefix}content__icontains": address})
    for phone in subject.phones:
        pattern = phone_pattern(phone)
        if pattern:
            parts |= Q(**{f"{prefix}content__iregex": pattern})
    return parts


def _conversations_typed_in(subject: Subject) -> Q:
    """Conversations found by what the person typed, whoever they were linked to: details
    given before the consent box was ticked never reached a lead or visitor."""
    from chat.facade import conversation_ids_with_messages_where

    typed = conversation_ids_with_messages_where(where=_typed_text_q(subject))
    parts = Q(pk__in=typed)
    for address in subject.emails:
        parts |= Q(collected__email__iexact=address)
    for phone in subject.phones:
        pattern = phone_pattern(phone)
        if pattern:
            parts |= Q(collected__phone__iregex=pattern)
    return parts


def _conversation_finder(subject: Subject) -> Q | None:
    if not (subject.emails or subject.phones):
        return None
    return _conversations_typed_in(subject)


def _message_finder(subject: Subject) -> Q | None:
    if not (subject.emails or subject.phones):
        return None
    from chat.facade import conversation_ids_where

    found = conversation_ids_where(where=_conversations_typed_in(subject))
    return Q(conversation__in=found)


def _attendance_finder(subject: Subject) -> Q | None:
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(unmatched__icontains=address)
    return parts


def _attendance_without_subject(obj: models.Model, subject: Subject) -> Any:
    rows = obj.unmatched if isinstance(obj.unmatched, list) else []
    return [
        row for row in rows if not any(address in str(row).lower() for address in subject.emails)
    ]


def _erased_to_email(obj: models.Model, subject: Subject) -> str:
    return erased_email(obj.to_email)


def _erased_email(obj: models.Model, subject: Subject) -> str:
    return erased_email(getattr(obj, "email_normalized", "") or getattr(obj, "email", ""))


def _now(obj: models.Model, subject: Subject) -> Any:
    from django.utils import timezone

    return timezone.now()


def _erased_label(obj: models.Model, subject: Subject) -> str:
    return "[erased]"
