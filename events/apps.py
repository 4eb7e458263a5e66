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
    """After a publish, in the background: a cancelled event tells its registrants (once
    each); otherwise free seats (a raised capacity) are filled from the waitlist."""
    from core.queue import enqueue
    from events.tasks import fill_from_waitlist, notify_event_cancelled

    if instance.cancelled:
        enqueue(notify_event_cancelled, instance.pk)
    else:
        enqueue(fill_from_waitlist, instance.pk)
