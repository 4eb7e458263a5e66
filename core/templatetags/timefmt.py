"""``{% load timefmt %}``: ``{{ moment|when }}`` → "3 Dec 2026, 14:05 EAT" (``|when:"day"``
adds the weekday), ``{{ moment|clock }}`` → "14:05 EAT"."""

from django import template

from core.timefmt import local_datetime, local_time

register = template.Library()


@register.filter
def when(value, arg: str = ""):
    return local_datetime(value, with_weekday=arg == "day")


@register.filter
def clock(value):
    return local_time(value)


@register.filter
def parse_iso(value):
    """An ISO 8601 string (as JSON status payloads carry them) back to a date-time."""
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value) if isinstance(value, str) else value
