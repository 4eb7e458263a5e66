"""Template tags for the chat widget partial."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def chat_open_delay() -> int:
    """Seconds before the widget opens by itself (0: only on click)."""
    return int(settings.CHAT_WIDGET_OPEN_DELAY_SECONDS)
