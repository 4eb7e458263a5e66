"""``{% load staff %}``: ``{{ user|landing_url }}`` — the page a staff member starts on
(sales: the dashboard, marketers: the CMS, ops: the admin), as after signing in."""

from django import template

from core.auth import landing_url_for

register = template.Library()


@register.filter
def landing_url(user) -> str:
    return landing_url_for(user)
