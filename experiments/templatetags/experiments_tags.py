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


@register.simple_tag(takes_context=True)
def page_experiment(context, page, target: str) -> Resolution:
    """``{% page_experiment page "hero_title" as hero %}``: the visitor's variant of the
    experiment running on that field of the page; ``hero.content`` is empty when none runs
    (or the variant is a blank control), so ``{{ hero.content|default:page.hero_title }}``
    shows the page as it is."""
    from experiments.resolution import slug_for_page

    request = context.get("request")
    slug = slug_for_page(getattr(page, "pk", None), target) if page is not None else ""
    if request is None or not slug:
        return Resolution(slug, "", "", False)
    return resolve(request, slug)


@register.filter
def percent(value, signed: bool = False) -> str:
    """``0.1304|percent`` -> ``13.0%``; ``0.3|percent:True`` -> ``+30.0%``."""
    if value is None or value == "":
        return "—"
    return f"{float(value):+.1%}" if signed else f"{float(value):.1%}"
