"""Inferring missing profile data from behaviour (seed 3.1.5), with a confidence per value:
the rules of progressive profiling (``leads.services.inference`` stores what they find).

Evidence is the lead's interactions: page paths and titles, downloaded resources, tool use
(ROI calculator, assessment), scroll depth. Each rule gives (value, confidence, evidence);
only confidence >= ``APPLY_THRESHOLD`` is ever written, and only into an empty field.

- industry: industry words in pages/resources; confidence 0.4 + 0.15 per hit when one
  industry has at least 70% of the hits (else at most 0.5).
- company_size: "enterprise" pages -> 201-500, "startup"/"smb" pages -> 11-50;
  0.45 + 0.1 per hit.
- role: technical (docs, API, RAG, architecture, engineering) vs business (pricing, ROI,
  case studies, services) pages; the side with >= 75% of at least 3 hits gives
  "Technical leader" / "Business leader", 0.45 + 0.08 per hit.
- budget: enterprise interest -> 100k+, pricing + ROI calculator -> 10k-50k;
  0.45 + 0.1 per hit.
- timeline: urgency (pricing, contact, demo pages, ROI, assessment) in the last 14 days:
  1-3mo at 5+ signals, 3-6mo at 3-4; 0.5 + 0.06 per signal.
- sophistication (stored in ``ai_data``): technical reading with average scroll >= 70%
  -> advanced, >= 40% -> intermediate; 0.45 + 0.07 per technical page read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leads.profiling import INDUSTRIES

APPLY_THRESHOLD = 0.7
MAX_CONFIDENCE = 0.95

TECHNICAL = re.compile(r"docs|api|rag|architecture|engineering|llm|mlops|implementation|"
                       r"fine-?tun|vector|embedding|kubernetes|pipeline", re.I)  # fmt: skip
BUSINESS = re.compile(r"pricing|roi|case-stud|services|consult|strategy|business-case", re.I)
ENTERPRISE = re.compile(r"enterprise|compliance|sso|sla|procurement|security-review", re.I)
SMALL = re.compile(r"startup|smb|small-business|founder", re.I)
PRICING = re.compile(r"pricing|plans|cost", re.I)
URGENCY = re.compile(r"pricing|contact|demo|book|quote", re.I)


@dataclass
class Inference:
    field: str
    value: str
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict)


def _conf(base: float, per: float, hits: int) -> float:
    return round(min(MAX_CONFIDENCE, base + per * hits), 2)


def _texts(interaction: dict) -> str:
    props = interaction.get("properties") or {}
    parts = [
        str(props.get(k, ""))
        for k in ("path", "url", "title", "resource_id", "resource_type", "page_title")
    ]
    return " ".join(p for p in parts if p)


def infer(interactions: list[dict], *, now: dt.datetime) -> list[Inference]:
    """Inferences from interaction dicts (``type``, ``properties``, ``occurred_at``)."""
    out: list[Inference] = []
    # One record per page/resource: repeated views and scroll events count once.
    pages: dict[str, dict[str, Any]] = {}
    for item in interactions:
        text = _texts(item)
        props = item.get("properties") or {}
        key = str(props.get("path") or props.get("resource_id") or props.get("url") or "")
        if not key:
            key = f"{item.get('type')}:{len(pages)}"
        page = pages.setdefault(
            key, {"text": text, "types": set(), "scroll": None, "recent": False}
        )
        page["types"].add(item.get("type", ""))
        depth = props.get("scroll_depth")
        if isinstance(depth, int | float):
            page["scroll"] = max(float(depth), page["scroll"] or 0.0)
        occurred = item.get("occurred_at")
        if occurred and now - occurred <= dt.timedelta(days=14):
            page["recent"] = True
    industry_hits: Counter[str] = Counter()
    technical = business = enterprise = small = pricing = 0
    urgency = 0
    tech_scrolls: list[float] = []
    used_roi = False
    for page in pages.values():
        text, kinds = page["text"], page["types"]
        for key, _label, pattern in INDUSTRIES:
            if text and re.search(pattern, text.lower()):
                industry_hits[key] += 1
                break
        if TECHNICAL.search(text):
            technical += 1
            if page["scroll"] is not None:
                tech_scrolls.append(page["scroll"])
        if BUSINESS.search(text) or "roi_calculate" in kinds:
            business += 1
        if ENTERPRISE.search(text):
            enterprise += 1
        if SMALL.search(text):
            small += 1
        if PRICING.search(text):
            pricing += 1
        if "roi_calculate" in kinds:
            used_roi = True
        if page["recent"] and (
            URGENCY.search(text) or kinds & {"roi_calculate", "assessment_complete"}
        ):
            urgency += 1

    if industry_hits:
        top, hits = industry_hits.most_common(1)[0]
        share = hits / sum(industry_hits.values())
        conf = _conf(0.4, 0.15, hits) if share >= 0.7 else min(0.5, _conf(0.3, 0.1, hits))
        out.append(Inference("industry", top, conf, {"hits": dict(industry_hits)}))
    if enterprise >= 1 and enterprise >= small:
        out.append(Inference("company_size", "201-500", _conf(0.45, 0.1, enterprise),
                             {"enterprise_pages": enterprise}))  # fmt: skip
    elif small >= 1:
        out.append(Inference("company_size", "11-50", _conf(0.45, 0.1, small),
                             {"startup_pages": small}))  # fmt: skip
    total = technical + business
    if total >= 3:
        if technical / total >= 0.75:
            out.append(Inference("role", "Technical leader", _conf(0.45, 0.08, technical),
                                 {"technical": technical, "business": business}))  # fmt: skip
        elif business / total >= 0.75:
            out.append(Inference("role", "Business leader", _conf(0.45, 0.08, business),
                                 {"technical": technical, "business": business}))  # fmt: skip
    if enterprise >= 1:
        out.append(Inference("budget", "100k+", _conf(0.45, 0.1, enterprise),
                             {"enterprise_pages": enterprise}))  # fmt: skip
    elif pricing >= 1 and used_roi:
        out.append(Inference("budget", "10k-50k", _conf(0.45, 0.1, pricing + 1),
                             {"pricing_pages": pricing, "roi_calculator": True}))  # fmt: skip
    if urgency >= 5:
        out.append(Inference("timeline", "1-3mo", _conf(0.5, 0.06, urgency), {"urgency": urgency}))
    elif urgency >= 3:
        out.append(Inference("timeline", "3-6mo", _conf(0.5, 0.06, urgency), {"urgency": urgency}))
    if technical >= 2 and tech_scrolls:
        avg = sum(tech_scrolls) / len(tech_scrolls)
        level = "advanced" if avg >= 70 else "intermediate" if avg >= 40 else "beginner"
        out.append(Inference("sophistication", level, _conf(0.45, 0.07, technical),
                             {"technical_pages": technical, "avg_scroll": round(avg)}))  # fmt: skip
    return out
