"""The registry's types: the data ``Subject`` (a person's lead and visitor ids, addresses
and phones) and a ``PersonalData`` entry (how to find, export and erase one model's rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from privacy.hashing import email_hash

DELETE = "delete"
ANONYMISE = "anonymise"


@dataclass
class Subject:
    """Whom a request is about: their lead ids, visitor ids and (normalised) addresses."""

    lead_ids: set[uuid.UUID] = field(default_factory=set)
    visitor_ids: set[uuid.UUID] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    @property
    def email_hashes(self) -> set[str]:
        return {email_hash(e) for e in self.emails}

    def is_empty(self) -> bool:
        return not (self.lead_ids or self.visitor_ids or self.emails or self.phones)


Replacement = Callable[[models.Model, Subject], Any]


def model_for_label(label: str) -> type[models.Model] | None:
    """The installed model a registry entry names (``"app_label.ModelName"``), or None.

    The registry is a table of labels on purpose: ``privacy.W001`` compares it with every
    installed model, whichever app owns it, so it resolves labels against the installed
    models rather than importing each app's models."""
    wanted = label.lower()
    for model in apps.get_models(include_auto_created=True, include_swapped=True):
        if model._meta.label_lower == wanted:
            return model
    return None


@dataclass(frozen=True)
class PersonalData:
    label: str
    lead: str | None = None
    visitor: str | None = None
    email: str | None = None
    finder: Callable[[Subject], Q | None] | None = None
    erase: str = DELETE
    personal: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    replacements: dict[str, Replacement] = field(default_factory=dict)
    export_exclude: tuple[str, ...] = ()
    note: str = ""

    def model(self) -> type[models.Model] | None:
        return model_for_label(self.label)

    def manager(self, model: type[models.Model]) -> models.Manager:
        # Soft-deleted rows are still personal data: use the base manager (all rows).
        return model._base_manager

    def q_for(self, subject: Subject) -> Q | None:
        """The filter selecting this subject's rows, or None if nothing can match."""
        parts: list[Q] = []
        if self.lead and subject.lead_ids:
            parts.append(Q(**{f"{self.lead}__in": list(subject.lead_ids)}))
        if self.visitor and subject.visitor_ids:
            parts.append(Q(**{f"{self.visitor}__in": list(subject.visitor_ids)}))
        if self.email:
            for address in sorted(subject.emails):
                parts.append(Q(**{f"{self.email}__iexact": address}))
        if self.finder is not None:
            custom = self.finder(subject)
            if custom is not None:
                parts.append(custom)
        if not parts:
            return None
        query = parts[0]
        for part in parts[1:]:
            query |= part
        return query

    def queryset(self, subject: Subject) -> models.QuerySet | None:
        model = self.model()
        if model is None:
            return None
        query = self.q_for(subject)
        if query is None:
            return None
        return self.manager(model).filter(query).distinct()
