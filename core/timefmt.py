"""One way to show a moment in the back office: in the site's time zone, with the zone's
name ("3 Dec 2026, 14:05 EAT"). The Django admin formats its date-time columns the same way
(``ementech/formats``); templates use the ``when`` filter (``core.templatetags.timefmt``),
Python displays ``local_datetime``."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def local_datetime(value: dt.datetime | None, *, with_weekday: bool = False) -> str:
    """``value`` in the current time zone with its name; "" for None."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, "DATETIME_FORMAT")
    return f"{formats.date_format(value, 'D')} {text}" if with_weekday else text


def local_time(value: dt.datetime | None) -> str:
    """Only the clock time, with the zone's name ("14:05 EAT")."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "H:i T")


def local_span(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """A meeting: "Fri 4 Dec 2026, 10:00–10:30 EAT" (one zone name, at the end)."""
    if start is None:
        return ""
    if end is None:
        return local_datetime(start, with_weekday=True)
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() != end.date():
        return f"{local_datetime(start, with_weekday=True)} – {local_datetime(end)}"
    return f"{formats.date_format(start, 'D j M Y, H:i')}–{local_time(end)}"
