"""Sticky assignment shared by experiments and feature flags.

A unit (a visitor id, or a lead's when an email is sent) falls in a bucket in [0, 1) that is
a hash of the unit and a salt: the same visitor always lands in the same bucket, on every
page, in every process, with no row per page view. Two independent hashes decide *whether*
the unit is in the experiment (``traffic``) and *which* variant it sees, so raising the
traffic share (a flag rolled out from 10% to 50%) never moves a unit between variants, and
a flag that becomes an experiment keeps its salt and therefore its buckets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

_SCALE = float(2**64)


def bucket(unit: str, salt: str) -> float:
    """A uniform, deterministic number in [0, 1) for ``unit`` under ``salt``."""
    digest = hashlib.blake2b(f"{salt}\x1f{unit}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


def in_rollout(unit: str, salt: str, percent: float) -> bool:
    """True when ``unit`` is inside the first ``percent`` % of buckets (flags, traffic)."""
    return bucket(unit, salt) * 100.0 < percent


@dataclass(frozen=True)
class VariantDef:
    id: int
    key: str
    content: str
    weight: int


@dataclass(frozen=True)
class ExperimentDef:
    """What resolution needs of an experiment, read once and kept in memory."""

    id: int
    slug: str
    salt: str
    status: str
    traffic_percent: int
    variants: tuple[VariantDef, ...]
    winner_key: str = ""
    page_id: int | None = None
    target: str = ""
    step_id: int | None = None
    issue_id: int | None = None

    @property
    def control(self) -> VariantDef:
        return self.variants[0]


def choose(variants: Sequence[VariantDef], unit: str, salt: str) -> VariantDef:
    """The variant for ``unit``, by weight (weights need not sum to 100)."""
    total = sum(max(v.weight, 0) for v in variants)
    if total <= 0:
        return variants[0]
    point = bucket(unit, salt + "\x1fvariant") * total
    acc = 0.0
    for v in variants:
        acc += max(v.weight, 0)
        if point < acc:
            return v
    return variants[-1]


def assign(defn: ExperimentDef, unit: str) -> VariantDef | None:
    """The unit's variant, or ``None`` when it is outside the experiment's traffic share."""
    if not in_rollout(unit, defn.salt, defn.traffic_percent):
        return None
    return choose(defn.variants, unit, defn.salt)
