"""Variant resolution on the request path (the ``experiment`` template tag, views, emails).

Definitions of running and shipped experiments are read once and kept in process memory
for a few seconds (services drop them on every change), so resolving a variant is a dict
lookup and two hashes. An exposure is written once per (experiment, visitor): a bounded
in-process memory skips the write for visitors already recorded here, and the database's
unique constraint (ON CONFLICT DO NOTHING) absorbs the rest, across processes.

Visitors without analytics consent (or with Global Privacy Control / Do-Not-Track), and
visitors without the ``em_vid`` cookie, see the control and are not counted.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.http import HttpRequest

from experiments.assignment import ExperimentDef, VariantDef, assign

DEFINITIONS_TTL = 5.0
_SEEN_MAX = 50_000

_lock = threading.Lock()
_definitions: dict[str, ExperimentDef] = {}
_loaded_at = 0.0
_seen: OrderedDict[tuple[int, uuid.UUID], None] = OrderedDict()


@dataclass(frozen=True)
class Resolution:
    """What a visitor sees: ``variant`` is empty when the experiment is unknown."""

    experiment: str
    variant: str
    content: str
    counted: bool

    def __str__(self) -> str:
        return self.content

    def __bool__(self) -> bool:
        return bool(self.variant)


def invalidate() -> None:
    """Forget the cached definitions (called by every service that changes an experiment)."""
    global _loaded_at
    with _lock:
        _loaded_at = 0.0


def definitions() -> dict[str, ExperimentDef]:
    global _definitions, _loaded_at
    now = time.monotonic()
    if now - _loaded_at < DEFINITIONS_TTL:
        return _definitions
    from experiments.selectors import experiment_definitions

    defs = experiment_definitions()
    with _lock:
        _definitions, _loaded_at = defs, now
    return defs


def _record_exposure(defn: ExperimentDef, variant: VariantDef, visitor_id: uuid.UUID) -> None:
    key = (defn.id, visitor_id)
    if key in _seen:
        return
    from experiments.services import exposure_record

    exposure_record(experiment_id=defn.id, variant_id=variant.id, visitor_id=visitor_id)
    with _lock:
        _seen[key] = None
        if len(_seen) > _SEEN_MAX:
            _seen.popitem(last=False)


def forget_seen() -> None:
    with _lock:
        _seen.clear()


def resolve_for_visitor(
    slug: str, *, visitor_id: uuid.UUID | None, consented: bool, record: bool = True
) -> Resolution:
    defn = definitions().get(slug)
    if defn is None:
        return Resolution(slug, "", "", False)
    if defn.status == "shipped":
        winner = next((v for v in defn.variants if v.key == defn.winner_key), defn.control)
        return Resolution(slug, winner.key, winner.content, False)
    control = defn.control
    if defn.status != "running" or not consented or visitor_id is None:
        return Resolution(slug, control.key, control.content, False)
    variant = assign(defn, str(visitor_id))
    if variant is None:
        return Resolution(slug, control.key, control.content, False)
    if record:
        _record_exposure(defn, variant, visitor_id)
    return Resolution(slug, variant.key, variant.content, True)


def resolve(request: HttpRequest, slug: str) -> Resolution:
    """The variant this request's visitor sees (memoised on the request)."""
    memo = getattr(request, "_experiment_variants", None)
    if memo is None:
        memo = {}
        request._experiment_variants = memo
    if slug in memo:
        return memo[slug]
    from leads.selectors import visitor_id_from_request
    from privacy.facade import analytics_allowed

    res = resolve_for_visitor(
        slug,
        visitor_id=visitor_id_from_request(request),
        consented=analytics_allowed(request=request),
    )
    memo[slug] = res
    return res
