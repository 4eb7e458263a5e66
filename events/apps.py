"""App config for events."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from events.models import EventPage

        page_published.connect(
            _fill_waitlist_after_publish, sender=EventPage, dispatch_uid="events-fill-waitlist"
        )


def _fill_waitlist_after_publish(sender, instance, **kwargs) -> None:
    """A published event may have more seats than before: fill them from the waitlist in
    the background (after commit; the task locks the event and promotes in order)."""
    from ementech.queue import enqueue
    from events.tasks import fill_from_waitlist

    if not instance.cancelled:
        enqueue(fill_from_waitlist, instance.pk)
