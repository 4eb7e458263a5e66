"""Variant resolution on the request path (the ``experiment`` template tag, views, emails).

Definitions of running and shipped experiments are read once and kept in process memory
for a few seconds (services drop them on every change), so resolving a variant is a dict
lookup and two hashes. An exposure is written once per (experiment, visitor): a bounded
in-process memory skips the write for visitors already recorded here, and the database's
unique constraint (ON CONFLICT DO NOTHING) absorbs the rest, across processes.

The write is not on the render path: a first exposure is queued in process memory and the
queue is written in one batch when the request finishes (``request_finished``, sent after
the response has gone out), or immediately by code outside a request (emails, tasks).

Visitors without analytics consent (or with Global Privacy Control / Do-Not-Track), and
visitors without the ``em_vid`` cookie, see the control and are not counted.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.http import HttpRequest

from experiments.assignment import ExperimentDef, VariantDef, assign

logger = logging.getLogger(__name__)

DEFINITIONS_TTL = 5.0
_SEEN_MAX = 50_000

_lock = threading.Lock()
_definitions: dict[str, ExperimentDef] = {}
_by_page: dict[tuple[int, str], str] = {}
_by_email: dict[tuple[str, int], str] = {}
_loaded_at = 0.0
_seen: OrderedDict[tuple[int, uuid.UUID], None] = OrderedDict()
_pending: list[tuple[int, int, uuid.UUID]] = []


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
    global _definitions, _by_page, _by_email, _loaded_at
    now = time.monotonic()
    if now - _loaded_at < DEFINITIONS_TTL:
        return _definitions
    from experiments.selectors import experiment_definitions

    defs = experiment_definitions()
    # Running tests on a page's field, by (page, field); a shipped test's winner is already
    # the page's content, so the page is left as it is.
    by_page = {
        (d.page_id, d.target): d.slug
        for d in defs.values()
        if d.status == "running" and d.page_id is not None
    }
    # Running tests on an email's subject, by ("step", step id) or ("issue", issue id).
    by_email: dict[tuple[str, int], str] = {}
    for d in defs.values():
        if d.status != "running":
            continue
        if d.step_id is not None:
            by_email[("step", d.step_id)] = d.slug
        if d.issue_id is not None:
            by_email[("issue", d.issue_id)] = d.slug
    with _lock:
        _definitions, _by_page, _by_email, _loaded_at = defs, by_page, by_email, now
    return defs


def slug_for_page(page_id: int, target: str) -> str:
    """The running experiment on ``target`` of page ``page_id`` (empty when none)."""
    definitions()
    return _by_page.get((page_id, target), "")


def slug_for_email(kind: str, target_id: int) -> str:
    """The running test on the subject of a sequence step's (``"step"``) or a newsletter
    issue's (``"issue"``) email (empty when none)."""
    definitions()
    return _by_email.get((kind, target_id), "")


def _record_exposure(
    defn: ExperimentDef, variant: VariantDef, visitor_id: uuid.UUID, *, defer: bool
) -> None:
    key = (defn.id, visitor_id)
    if key in _seen:
        return
    with _lock:
        _seen[key] = None
        if len(_seen) > _SEEN_MAX:
            _seen.popitem(last=False)
        _pending.append((defn.id, variant.id, visitor_id))
    if not defer:
        flush_exposures()


def flush_exposures(**_signal_kwargs) -> int:
    """Write the queued exposures in one statement (a repeat is ignored by the database)."""
    global _pending
    with _lock:
        batch, _pending = _pending, []
    if not batch:
        return 0
    from experiments.services import exposures_record

    try:
        exposures_record(batch)
    except Exception:  # noqa: BLE001 - a lost exposure must not break the page that follows
        logger.exception("experiments: %d exposures could not be written", len(batch))
        with _lock:
            for exp_id, _var, vid in batch:
                _seen.pop((exp_id, vid), None)
        return 0
    return len(batch)


def forget_seen() -> None:
    with _lock:
        _seen.clear()
        _pending.clear()


def resolve_for_visitor(
    slug: str,
    *,
    visitor_id: uuid.UUID | None,
    consented: bool,
    record: bool = True,
    defer: bool = False,
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
        _record_exposure(defn, variant, visitor_id, defer=defer)
    return Resolution(slug, variant.key, variant.content, True)


def resolve(request: HttpRequest, slug: str) -> Resolution:
    """The variant this request's visitor sees (memoised on the request)."""
    memo = getattr(request, "_experiment_variants", None)
    if memo is None:
        memo = {}
        request._experiment_variants = memo
    if slug in memo:
        return memo[slug]
    from leads.facade import visitor_id_from_request
    from privacy.facade import analytics_allowed

    res = resolve_for_visitor(
        slug,
        visitor_id=visitor_id_from_request(request),
        consented=analytics_allowed(request=request),
        defer=True,
    )
    memo[slug] = res
    return res
