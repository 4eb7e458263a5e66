"""Event creation from the staff API."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

from django.db import transaction

from events.models import (
    EventIndexPage,
    EventPage,
)

# --- Event creation (staff API) ------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    data: dict[str, Any],
    actor=None,
    publish: bool = True,
    parent: EventIndexPage | None = None,
) -> EventPage:
    """Create an event page under the events index (and publish it unless told not to).

    ``data`` holds model field values; ``scheduled_for`` (an aware datetime) may be given
    instead of ``start_date``/``start_time`` and is converted to the event's local time.
    """
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.utils.text import slugify

    parent = parent or EventIndexPage.objects.first()
    if parent is None:
        raise ValidationError({"parent": ["There is no events index page to add events to."]})
    data = dict(data)
    scheduled_for = data.pop("scheduled_for", None)
    tz_name = data.get("timezone") or "Africa/Nairobi"
    if scheduled_for is not None:
        local = scheduled_for.astimezone(ZoneInfo(tz_name))
        data["start_date"] = local.date()
        data["start_time"] = time(local.hour, local.minute, local.second)
    page = EventPage(**data)
    if not page.slug:
        page.slug = slugify(page.title)[:255] or f"event-{uuid.uuid4().hex[:8]}"
    page.live = publish
    page.owner = actor
    parent.add_child(instance=page)
    revision = page.save_revision(user=actor)
    if publish:
        revision.publish(user=actor)
        page.refresh_from_db()
    return page
