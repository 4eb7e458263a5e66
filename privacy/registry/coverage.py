"""Coverage of the registry: models that look personal but are not declared, and
declarations that name fields or paths that do not exist (``privacy.W001``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.db import models

from privacy.registry.hooks import active_entries
from privacy.registry.subject import ANONYMISE
from privacy.registry.tables import NON_PERSONAL, NON_PERSONAL_APPS, REGISTRY

PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|name|first_name|last_name|full_name|phone|mobile|ip|ip_address|address|"
    r"message|transcript)(_|$)"
)


# Models whose rows are about one person: a foreign key to them makes a model personal.
_SUBJECT_MODELS = frozenset(e.label for e in REGISTRY if e.lead or e.visitor or e.email) - {
    "privacy.DataRequest"
}


def _is_text_like(f: models.Field) -> bool:
    return isinstance(
        f,
        models.CharField
        | models.TextField
        | models.JSONField
        | models.EmailField
        | models.URLField
        | models.GenericIPAddressField,
    )


def looks_personal(model: type[models.Model]) -> list[str]:
    """Why a model looks like it holds personal data (empty list: it does not)."""
    reasons: list[str] = []
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False):
            continue
        if f.is_relation and f.related_model is not None and (f.many_to_one or f.one_to_one):
            rel = f.related_model
            target = rel if isinstance(rel, str) else rel._meta.label
            if target in ("leads.Lead", "leads.Visitor") or target in _SUBJECT_MODELS:
                # Rows hanging off a person's rows are about that person too.
                reasons.append(f"{f.name} -> {target}")
            continue
        if isinstance(
            f,
            models.EmailField | models.GenericIPAddressField | models.TextField | models.JSONField,
        ):
            reasons.append(f"{f.name} ({type(f).__name__})")
        elif _is_text_like(f) and PERSONAL_NAME.search(f.name):
            reasons.append(f"{f.name} (name)")
    return reasons


def _is_page(model: type[models.Model]) -> bool:
    """Wagtail pages are editors' published content (their forms are declared separately)."""
    from wagtail.models import Page

    return issubclass(model, Page)


def uncovered_models(models_: Iterable[type[models.Model]] | None = None) -> dict[str, list[str]]:
    """Models that look personal but are neither in the registry nor allowed as non-personal."""
    declared = {e.label for e in REGISTRY}
    missing: dict[str, list[str]] = {}
    for model in models_ if models_ is not None else apps.get_models():
        label = model._meta.label
        if label in declared or label in NON_PERSONAL:
            continue
        if model._meta.proxy and model._meta.concrete_model._meta.label in declared:
            continue  # same rows as the declared concrete model
        reasons = looks_personal(model)
        if model._meta.app_label in NON_PERSONAL_APPS or _is_page(model):
            # CMS content is trusted for its own fields, never for a link to a person.
            reasons = [r for r in reasons if " -> " in r]
        if reasons:
            missing[label] = reasons
    return missing


def _resolves(model: type[models.Model], path: str) -> bool:
    current = model
    for part in path.split("__"):
        if part == "pk":
            return True
        try:
            f = current._meta.get_field(part)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
            return False
        if f.is_relation and f.related_model is not None:
            current = f.related_model
    return True


def declaration_problems() -> list[str]:
    """Declared lookups/fields that do not exist, and anonymised text fields left undecided."""
    problems: list[str] = []
    for entry, model in active_entries():
        for path in (entry.lead, entry.visitor, entry.email):
            if path and not _resolves(model, path):
                problems.append(f"{entry.label}: lookup {path!r} does not resolve")
        names = {f.name for f in model._meta.concrete_fields} | {
            f.attname for f in model._meta.concrete_fields
        }
        for name in (*entry.personal, *entry.kept, *entry.export_exclude):
            if name not in names:
                problems.append(f"{entry.label}: field {name!r} does not exist")
        if entry.erase == ANONYMISE:
            decided = set(entry.personal) | set(entry.kept)
            for f in model._meta.concrete_fields:
                if f.primary_key or f.name in decided or f.attname in decided:
                    continue
                if _is_text_like(f) and not f.choices:
                    problems.append(
                        f"{entry.label}.{f.name}: text field neither personal nor kept "
                        "(decide what erasure does with it)"
                    )
    return problems
