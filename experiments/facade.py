"""The experiments app's public surface: the only module another app imports from
``experiments``.

- **Email subject tests** (for nurture): ``email_subject_for`` gives the subject of the
  lead's variant (sticky: the same hash of visitor and experiment as on the site) and
  ``email_exposure_record`` counts the lead once, in the transaction that queues the email.
- **Form field set tests** (for content): ``form_fields_for_request`` gives the fields of
  the visitor's variant of the test running on a page's capture form (``None`` when the
  form keeps its own), recording the exposure once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from experiments.emails import EmailSubject, email_exposure_record, email_subject_for

__all__ = [
    "EmailSubject",
    "email_exposure_record",
    "email_subject_for",
    "form_fields_for_request",
]


def form_fields_for_request(
    *, request: HttpRequest, page_id: Any, count: bool = True, now: bool = False
) -> list[str] | None:
    """The field set of this visitor's variant of the form test running on ``page_id``, or
    ``None`` (no test, a blank control, or a visitor without analytics consent seeing the
    control). The variant comes from the signed ``em_vid`` cookie only, never from the
    request body. ``count=False`` resolves without recording an exposure (a visitor who is
    already a lead cannot convert on "lead captured"); ``now=True`` writes it before
    returning (a form submitted without the page having been seen: the exposure must
    precede the lead it captures), else after the response."""
    from experiments.forms import form_fields_for_request as _fields

    return _fields(request=request, page_id=page_id, count=count, now=now)
