"""Wagtail hooks: when an event is published (e.g. with a larger capacity), fill any free
seats from the waitlist in the background."""

from __future__ import annotations

from wagtail import hooks

from ementech.queue import enqueue


@hooks.register("after_publish_page")
def fill_waitlist_after_publish(request, page) -> None:
    from events.models import EventPage
    from events.tasks import fill_from_waitlist

    specific = page.specific if hasattr(page, "specific") else page
    if isinstance(specific, EventPage) and not specific.cancelled:
        enqueue(fill_from_waitlist, specific.pk)
