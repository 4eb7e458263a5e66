"""``{% experiment "slug" as variant %}``: the visitor's variant of an experiment.

``variant.content`` is what to show (empty when the experiment is unknown, so templates can
fall back with ``{{ variant.content|default:page.hero_title }}``); ``variant.variant`` is
the variant's key for ``{% if %}`` branches.
"""

from __future__ import annotations

from django import template

from experiments.resolution import Resolution, resolve

register = template.Library()


@register.simple_tag(takes_context=True)
def experiment(context, slug: str) -> Resolution:
    request = context.get("request")
    if request is None:
        return Resolution(slug, "", "", False)
    return resolve(request, slug)
