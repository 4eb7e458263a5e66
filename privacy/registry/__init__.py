"""The personal-data registry: every model that holds data about a person, in one place
(re-exported here, so ``from privacy.registry import ...`` keeps working).

Each ``PersonalData`` entry (``subject``) says how to find a data subject's rows (by lead,
by visitor, by email, or a custom finder from ``finders``), which fields are personal, and
what erasure does to the rows: ``DELETE`` them or ``ANONYMISE`` the personal fields (and
which text fields are deliberately kept). Export, erasure and the registry tests are driven
by the list in ``tables``, so a model that is not declared there (or allowed in
``NON_PERSONAL``) fails ``tests/privacy/test_registry.py`` and ``manage.py check``
(``privacy.W001``, from ``coverage``). ``hooks`` holds the erasure hooks and the lookups.

Entries name models by label and are resolved lazily, so the registry can describe apps
that are still being built: a label whose model does not exist is skipped.
"""

from __future__ import annotations

from privacy.registry.coverage import (
    PERSONAL_NAME,
    declaration_problems,
    looks_personal,
    uncovered_models,
)
from privacy.registry.finders import (
    PHONE_TAIL_DIGITS,
    phone_pattern,
)
from privacy.registry.hooks import (
    ErasureHook,
    active_entries,
    entries,
    entry_for,
    erasure_hooks,
    register_erasure_hook,
)
from privacy.registry.subject import (
    ANONYMISE,
    DELETE,
    PersonalData,
    Replacement,
    Subject,
    model_for_label,
)
from privacy.registry.tables import (
    NON_PERSONAL,
    NON_PERSONAL_APPS,
    REGISTRY,
)

__all__ = [
    "ANONYMISE",
    "DELETE",
    "ErasureHook",
    "NON_PERSONAL",
    "NON_PERSONAL_APPS",
    "PERSONAL_NAME",
    "PHONE_TAIL_DIGITS",
    "PersonalData",
    "REGISTRY",
    "Replacement",
    "Subject",
    "active_entries",
    "declaration_problems",
    "entries",
    "entry_for",
    "erasure_hooks",
    "looks_personal",
    "model_for_label",
    "phone_pattern",
    "register_erasure_hook",
    "uncovered_models",
]
