"""Erasure hooks other apps register, and the lookups of the declared entries."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from privacy.registry.subject import PersonalData, Subject
from privacy.registry.tables import REGISTRY

# Called with the Subject inside the erasure transaction, before any row is changed, so an
# app can record what must also be erased elsewhere (another system's id) and do it after
# commit. Apps register in their AppConfig.ready().
ErasureHook = Callable[[Subject], None]
_ERASURE_HOOKS: list[ErasureHook] = []


def register_erasure_hook(hook: ErasureHook) -> None:
    if hook not in _ERASURE_HOOKS:
        _ERASURE_HOOKS.append(hook)


def erasure_hooks() -> tuple[ErasureHook, ...]:
    return tuple(_ERASURE_HOOKS)


def entries() -> tuple[PersonalData, ...]:
    return REGISTRY


def entry_for(label: str) -> PersonalData | None:
    for entry in REGISTRY:
        if entry.label == label:
            return entry
    return None


def active_entries() -> list[tuple[PersonalData, type[models.Model]]]:
    """Entries whose model exists in this project right now."""
    found = []
    for entry in REGISTRY:
        model = entry.model()
        if model is not None:
            found.append((entry, model))
    return found
