"""Names people type: a person's name without titles (nameparser) and a company name
without its legal suffix (cleanco). Re-exported by :mod:`ementech.ai.parsers`."""

from __future__ import annotations

import re


def person_name(text: str) -> str | None:
    """A person's name as typed ("Dr. Faith Chebet" → "Faith Chebet"), or None."""
    from nameparser import HumanName

    words = (text or "").strip(" .,!").split()
    if not 1 <= len(words) <= 4 or not all(re.fullmatch(r"(?:[^\W\d_]|[.'\-])+", w) for w in words):
        return None
    name = HumanName(" ".join(words))
    parts = [p for p in (name.first, name.middle, name.last) if p]
    if not parts:
        return None
    return " ".join(p[:1].upper() + p[1:] for p in " ".join(parts).split())


def company_core(name: str) -> str:
    """The company name without its legal suffix ("Zuri Living Ltd" → "Zuri Living")."""
    from cleanco import basename

    core = basename(name or "").strip(" ,.")
    return core or (name or "").strip()
