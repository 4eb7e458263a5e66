"""The live sales dashboard: metric selectors (reads), server-rendered SVG charts and the
real-time push to the dashboard's channel-layer groups.

Groups: ``sales`` (Sales staff) and ``admin`` (superusers); every dashboard socket joins
one of them, plus the leads app's ``sales-feed`` group for its feed entries. Other apps
push with :func:`dashboard_push` (after commit) or :func:`dashboard_send` (now).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.realtime import push_now, push_on_commit

log = logging.getLogger(__name__)

DASHBOARD_GROUPS = ("sales", "admin")
SALES_FEED_GROUP = "sales-feed"
LIVE_WINDOW = dt.timedelta(minutes=5)
FUNNEL = ("identified", "qualified", "opportunity", "customer")
GRADES = ("A", "B", "C", "D")

# --- push -------------------------------------------------------------------------------------


def dashboard_send(event: str, data: dict[str, Any]) -> None:
    """Send an event to every dashboard now (from sync code: services, tasks)."""
    push_now(DASHBOARD_GROUPS, {"type": "dashboard.event", "event": event, "data": data})


def dashboard_push(event: str, data: dict[str, Any]) -> None:
    """Send an event to every dashboard once the current transaction commits (best effort:
    the dashboard also refreshes on its own)."""
    push_on_commit(DASHBOARD_GROUPS, {"type": "dashboard.event", "event": event, "data": data})


# --- date range -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """Whole days, inclusive, in the site's time zone."""

    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, start: str | None, end: str | None, *, default_days: int = 30) -> DateRange:
        today = timezone.localdate()
        try:
            e = dt.date.fromisoformat(end) if end else today
        except ValueError:
            e = today
        try:
            s = dt.date.fromisoformat(start) if start else e - dt.timedelta(days=default_days - 1)
        except ValueError:
            s = e - dt.timedelta(days=default_days - 1)
        if s > e:
            s, e = e, s
        if (e - s).days > 3660:
            s = e - dt.timedelta(days=3660)
        return cls(s, e)

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def as_params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


# --- metrics ----------------------------------------------------------------------------------


def _rate(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


@cache
def chat_tables_ready() -> bool:
    """Whether the chat app is installed and its tables exist (metrics read them)."""
    if not apps.is_installed("chat"):
        return False
    from chat.facade import tables_exist

    return tables_exist(table_names=set(connection.introspection.table_names()))


def chat_metrics(*, rng: DateRange) -> dict[str, Any]:
    """Chats started, demos booked and conversation ratings in the range (chat app)."""
    if not chat_tables_ready():
        return {
            "enabled": False,
            "active_chats": 0,
            "demos_booked": 0,
            "satisfaction_avg": None,
            "satisfaction_n": 0,
        }
    from chat.facade import chat_counts

    counts = chat_counts(since=rng.since, until=rng.until)
    avg = counts.satisfaction_avg
    return {
        "enabled": True,
        "active_chats": counts.active_chats,
        "demos_booked": counts.demos_booked,
        "satisfaction_avg": round(avg, 2) if avg is not None else None,
        "satisfaction_n": counts.satisfaction_n,
    }


def lead_metrics(*, rng: DateRange) -> dict[str, Any]:
    """Totals, funnel, conversion rates, grades and score distribution of the leads created
    in the range, in one grouped query (plus one for sources)."""
    from leads.facade import Lead

    leads = Lead.objects.filter(
        erased_at__isnull=True, created_at__gte=rng.since, created_at__lt=rng.until
    )
    aggs: dict[str, Any] = {
        "total": Count("pk", filter=~Q(stage="anonymous")),
        "all": Count("pk"),
        "won": Count("pk", filter=~Q(stage="anonymous") & (Q(outcome="won") | Q(stage="customer"))),
        "lost": Count("pk", filter=Q(outcome="lost")),
        "unscored": Count("pk", filter=Q(scored_at__isnull=True)),
    }
    for i, stage in enumerate(FUNNEL):
        aggs[f"f_{stage}"] = Count("pk", filter=Q(stage__in=FUNNEL[i:]))
    for g in GRADES:
        aggs[f"g_{g}"] = Count("pk", filter=Q(grade=g))
    for b in range(10):
        lo, hi = b * 10, (b + 1) * 10 if b < 9 else 101
        aggs[f"s_{b}"] = Count("pk", filter=Q(scored_at__isnull=False, score__gte=lo, score__lt=hi))
    row = leads.aggregate(**aggs)
    funnel = [{"stage": s, "label": s.title(), "n": row[f"f_{s}"]} for s in FUNNEL]
    conversions = [
        {
            "from": funnel[i]["label"],
            "to": funnel[i + 1]["label"],
            "rate": _rate(funnel[i + 1]["n"], funnel[i]["n"]),
        }
        for i in range(len(funnel) - 1)
    ]
    sources = list(
        leads.exclude(stage="anonymous")
        .values("source")
        .annotate(n=Count("pk"))
        .order_by("-n", "source")[:8]
    )
    return {
        "total": row["total"],
        "qualified": row["f_qualified"],
        "won": row["won"],
        "lost": row["lost"],
        # One definition for every card: leads (not anonymous, not erased) created in the
        # range; "won" and the conversion rate are of those same leads.
        "conversion_overall": _rate(row["won"], row["total"]),
        "funnel": funnel,
        "conversions": conversions,
        "grades": [{"label": g, "n": row[f"g_{g}"]} for g in GRADES],
        "unscored": row["unscored"],
        "score_bins": [
            {"label": f"{b * 10}-{b * 10 + 9 if b < 9 else 100}", "n": row[f"s_{b}"]}
            for b in range(10)
        ],
        "sources": [{"label": s["source"] or "(direct)", "n": s["n"]} for s in sources],
    }


def custom_metrics(*, rng: DateRange) -> dict[str, Any]:
    """The seed's custom metrics (14.2) recorded in the range."""
    from analytics.metrics import metric_totals

    row = metric_totals(since=rng.since, until=rng.until)
    if row["satisfaction_avg"] is not None:
        row["satisfaction_avg"] = round(row["satisfaction_avg"], 2)
    return row


def live_viewers(*, now: dt.datetime | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """Distinct visitors per page over the last five minutes."""
    from analytics.models import Interaction

    since = (now or timezone.now()) - LIVE_WINDOW
    rows = (
        Interaction.objects.filter(type="page_view", occurred_at__gte=since)
        .annotate(page=Coalesce(KT("properties__path"), KT("properties__url")))
        .values("page")
        .annotate(viewers=Count("visitor_id", distinct=True))
        .order_by("-viewers", "page")[:limit]
    )
    return [{"label": r["page"] or "(unknown)", "n": r["viewers"]} for r in rows]


def live_feed(*, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """The newest leads and the latest hot-lead alerts."""
    from leads.facade import Lead
    from scoring.facade import alerts_latest

    new = [
        {
            "lead_id": str(lead.pk),
            "name": lead.name or lead.company or "(no name)",
            "company": lead.company,
            "source": lead.source,
            "grade": lead.grade,
            "score": lead.score,
            "at": lead.created_at,
        }
        for lead in Lead.objects.filter(erased_at__isnull=True)
        .exclude(stage="anonymous")
        .only("pk", "name", "company", "source", "grade", "score", "created_at")
        .order_by("-created_at")[:limit]
    ]
    hot = [
        {
            "lead_id": str(a.lead_id),
            "name": a.lead_name or a.lead_company or "(no name)",
            "reason": a.reason_label,
            "score": a.lead_score,
            "grade": a.lead_grade,
            "at": a.created_at,
        }
        for a in alerts_latest(limit=limit)
    ]
    return {"new": new, "hot": hot}


def dashboard_data(*, rng: DateRange) -> dict[str, Any]:
    """Everything the dashboard shows for a date range."""
    return {
        "range": rng,
        "leads": lead_metrics(rng=rng),
        "chat": chat_metrics(rng=rng),
        "metrics": custom_metrics(rng=rng),
        "viewers": live_viewers(),
        "feed": live_feed(),
        "generated_at": timezone.now(),
    }


# --- SVG charts (server-rendered, escaped, no JavaScript needed) ------------------------------


def svg_bars(
    items: list[dict[str, Any]],
    *,
    title: str,
    width: int = 360,
    bar_height: int = 22,
    label_width: int = 120,
) -> str:
    """A horizontal bar chart of ``[{"label", "n"}]``."""
    height = max(len(items), 1) * (bar_height + 6) + 8
    peak = max([i["n"] for i in items] + [1])
    span = width - label_width - 50
    bars = []
    for k, item in enumerate(items):
        y = 4 + k * (bar_height + 6)
        w = round(span * item["n"] / peak) if item["n"] else 0
        bars.append(
            (
                y + bar_height * 0.7,
                str(item["label"])[:24],
                label_width,
                y,
                max(w, 1) if item["n"] else 0,
                bar_height,
                label_width + w + 6,
                y + bar_height * 0.7,
                item["n"],
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" rx="3"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        bars,
    )
    empty = (
        format_html('<text x="0" y="20" class="chart-label">No data</text>') if not items else ""
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}</svg>',
        width,
        height,
        title,
        title,
        body,
        empty,
    )


def svg_columns(
    items: list[dict[str, Any]], *, title: str, width: int = 360, height: int = 160
) -> str:
    """A vertical column chart (the score distribution)."""
    n = max(len(items), 1)
    slot = width / n
    peak = max([i["n"] for i in items] + [1])
    plot = height - 42  # room for the value above the tallest column and the axis labels
    cols = []
    for k, item in enumerate(items):
        h = round(plot * item["n"] / peak) if item["n"] else 0
        x = round(k * slot + 3, 1)
        cols.append(
            (
                x,
                plot - h + 20,
                round(slot - 6, 1),
                h,
                round(x + (slot - 6) / 2, 1),
                plot - h + 16,
                item["n"],
                round(x + (slot - 6) / 2, 1),
                height - 4,
                str(item["label"]).split("-")[0],
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" rx="2"></rect>'
        '<text x="{}" y="{}" class="chart-value" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
        cols,
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        body,
    )


def svg_funnel(funnel: list[dict[str, Any]], *, title: str = "Funnel", width: int = 360) -> str:
    """A centred funnel: one band per stage, width proportional to its count."""
    band = 34
    peak = max([s["n"] for s in funnel] + [1])
    rows = []
    for k, step in enumerate(funnel):
        w = max(round((width - 20) * step["n"] / peak), 2)
        x = round((width - w) / 2)
        y = k * (band + 4)
        # A band too narrow for its label: dark text with a white halo stays readable on blue.
        label_class = "chart-funnel-label" if w >= 140 else "chart-label chart-label-halo"
        rows.append(
            (
                x,
                y,
                w,
                band,
                width / 2,
                y + band * 0.62,
                label_class,
                f"{step['label']}: {step['n']}",
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-funnel" rx="4"></rect>'
        '<text x="{}" y="{}" class="{}" text-anchor="middle">{}</text>',
        rows,
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        len(funnel) * (band + 4),
        title,
        title,
        body,
    )


def charts(data: dict[str, Any]) -> dict[str, str]:
    """The dashboard's SVG charts, by name."""
    leads = data["leads"]
    return {
        "chart_funnel": svg_funnel(leads["funnel"], title="Lead funnel"),
        "chart_sources": svg_bars(leads["sources"], title="Leads by source"),
        "chart_grades": svg_bars(leads["grades"], title="Leads by grade", label_width=40),
        "chart_scores": svg_columns(leads["score_bins"], title="Score distribution"),
        "chart_viewers": svg_bars(data["viewers"], title="Live viewers per page", label_width=170),
    }
