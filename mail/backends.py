"""An email backend that keeps every outgoing message as an ``OutboundEmail`` row.

``mail``'s own deliveries carry ``EMAIL_HEADER`` and already have their row; anything else
that sends through Django's mail API (a library such as allauth) is recorded here, so the
outbox, the person's export and erasure see every email. Delivery is done by
``EMAIL_DELIVERY_BACKEND`` (SMTP from ``EMAIL_URL``, or the file outbox in embedded mode).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

from mail.redaction import redact_secret_links
from mail.services.sending import EMAIL_HEADER

logger = logging.getLogger(__name__)


class RecordingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recorded = EMAIL_HEADER in (message.extra_headers or {})
            try:
                count = self.inner.send_messages([message]) or 0
            except Exception as exc:
                if not recorded:
                    _record(message, sent=False, error=f"{type(exc).__name__}: {exc}")
                raise
            if not recorded:
                _record(message, sent=bool(count))
            sent += count
        return sent


def _record(message: EmailMessage, *, sent: bool, error: str = "") -> None:
    from mail.models import OutboundEmail

    lead_model = OutboundEmail._meta.get_field("lead").related_model
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    names = []
    for attachment in message.attachments:
        name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
        names.append(name or "attachment")
    now = timezone.now()
    for recipient in message.recipients():
        try:
            OutboundEmail.objects.create(
                template="direct",
                category="direct",
                to_email=recipient,
                lead=lead_model.objects.filter(email_normalized=recipient.strip().lower()).first(),
                subject=" ".join(str(message.subject).split())[:300],
                # The stored copy keeps no usable link token (mail.redaction).
                body_text=redact_secret_links(message.body or ""),
                body_html=redact_secret_links(html),
                attachment_names=names,
                status=OutboundEmail.Status.SENT if sent else OutboundEmail.Status.FAILED,
                sent_at=now if sent else None,
                attempts=1,
                error=error[:2000],
            )
        except Exception:  # noqa: BLE001 - recording must never stop the email itself
            logger.exception("could not record an outgoing email")
