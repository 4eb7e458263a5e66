"""``{% consent_state as consent %}``: the visitor's banner choice, for the site-wide partial."""

from __future__ import annotations

from django import template

from privacy.selectors import ConsentState
from privacy.selectors import consent_state as _consent_state
from privacy.services import BANNER_WORDING

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_state(context) -> ConsentState | None:
    request = context.get("request")
    if request is None:
        return None
    return _consent_state(request)


@register.simple_tag
def consent_wording() -> str:
    return BANNER_WORDING
