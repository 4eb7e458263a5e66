"""Keyed, deterministic hashes: the only form in which erased addresses are remembered.

``email_hash`` is an HMAC-SHA256 of the normalised address keyed by ``SECRET_KEY`` (salted
per purpose), so it cannot be reversed by hashing a list of known addresses without the key,
and the same address always gives the same hash (suppression, deletion log, requests).
"""

from __future__ import annotations

import hashlib

from django.utils.crypto import salted_hmac

ERASED_DOMAIN = "erased.invalid"


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """Deterministic keyed hash of an address (case and surrounding spaces ignored)."""
    return salted_hmac("privacy.email", normalize_email(email), algorithm="sha256").hexdigest()


def erased_email(email: str) -> str:
    """The placeholder an erased lead keeps: ``erased-<hmac prefix>@erased.invalid``."""
    return f"erased-{email_hash(email)[:24]}@{ERASED_DOMAIN}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
