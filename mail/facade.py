"""The mail app's public surface: the only module other apps import.

Every email the product sends goes through ``queue_email`` (a ready subject and body) or
``queue_template_email`` (rendered from ``templates/mail/<template>.*``): the email is
written as an ``OutboundEmail`` row in the caller's transaction and delivered by the
``mail.tasks.deliver_email`` worker task after commit, with retries; never inside a
request, and never at all if the caller's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mail.services import sending
from mail.services.links import absolute_url
from mail.services.sending import EMAIL_HEADER, Attachment, EmailError

__all__ = [
    "EMAIL_HEADER",
    "Attachment",
    "EmailError",
    "QueuedEmail",
    "absolute_url",
    "emails_engagement",
    "queue_email",
    "queue_template_email",
]


@dataclass(frozen=True)
class QueuedEmail:
    id: int
    token: str
    status: str
    subject: str


def _ref(row) -> QueuedEmail:
    return QueuedEmail(id=row.pk, token=str(row.token), status=row.status, subject=row.subject)


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    html: str | None = None,
    lead_id: Any = None,
    category: str = "transactional",
    attachments: Sequence[Attachment] = (),
    headers: dict[str, str] | None = None,
    key: str | None = None,
    track: bool = False,
) -> QueuedEmail:
    """Queue one email for the worker. ``kind`` names it (the outbox's template column);
    ``key`` makes the call idempotent (the same key queues one email); ``track`` adds
    the open pixel and signed click links to the HTML body."""
    return _ref(
        sending.email_queue(
            to=to,
            subject=subject,
            text=text,
            html=html or "",
            kind=kind,
            lead_id=lead_id,
            category=category,
            attachments=attachments,
            headers=headers,
            key=key,
            track=track,
        )
    )


def queue_template_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    lead_id: Any = None,
    subject: str | None = None,
    category: str = "",
    track: bool = True,
    skip_tracking_prefixes: Iterable[str] = (),
    attachments: Sequence[Attachment] = (),
    headers: dict[str, str] | None = None,
    key: str | None = None,
) -> QueuedEmail:
    """Render ``templates/mail/<template>.{subject.txt,txt,html}`` and queue it; raises
    ``EmailError`` for an unknown template or an empty subject."""
    return _ref(
        sending.email_queue_template(
            to=to,
            template=template,
            context=context,
            lead_id=lead_id,
            subject=subject,
            category=category,
            track=track,
            skip_tracking_prefixes=skip_tracking_prefixes,
            attachments=attachments,
            headers=headers,
            key=key,
        )
    )


def emails_engagement(*, ids: Iterable[int]) -> tuple[int, int, int]:
    """``(emails, opened, clicked)`` among these outbound emails: counts only, no
    addresses (an experiment's secondary figure)."""
    from django.db.models import Count, Q

    from mail.models import OutboundEmail

    row = OutboundEmail.objects.filter(pk__in=list(ids)).aggregate(
        n=Count("id"),
        opened=Count("id", filter=Q(open_count__gt=0)),
        clicked=Count("id", filter=Q(click_count__gt=0)),
    )
    return row["n"], row["opened"], row["clicked"]
