"""Admin of the scoring app: score history, alerts and learned models; plus, on the
leads app's lead page, a read-only "Why this score" section and the score-history inline
(``why_this_score`` and ``ScoreHistoryInline``, which ``leads/admin.py`` composes into its
``LeadAdmin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin, TabularInline

from scoring.actions import rule_actions
from scoring.engine import Config, explain, factor_text
from scoring.engine.raw import raw_label
from scoring.learned import ALGORITHM
from scoring.models import ScoreAlert, ScoreSnapshot, ScoringModel
from scoring.services import scoring_model_activate


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def factors_table(factors: dict | None, *, weights: Any = None) -> str:
    """The factors as an HTML table: feature, group, value, weight, points. A learned
    model's rows are the lead's raw attributes ("Industry fintech"), largest effect first."""
    factors = factors or {}
    if not factors.get("points"):
        return format_html('<p class="bo-factors">{}</p>', "Not scored yet.")
    explained = explain(factors, weights)
    learned = str(factors.get("model", "rules")).startswith("learned")
    rows = [
        (
            factor_text(r).rsplit(":", 1)[0] if learned else r["label"],
            r["group"],
            _shown(r["value"]),
            "" if r["weight"] is None else f"{r['weight']:.2f}",
            f"{r['points']:+.2f}",
        )
        for r in explained
    ]
    total = sum(r["points"] for r in explained) + float(factors.get("baseline") or 0)
    extra = []
    if "baseline" in factors:
        extra.append(("Baseline (average lead)", "", "", "", f"{factors['baseline']:+.2f}"))
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        [*extra, *rows],
    )
    if learned:
        head = format_html(
            "<p>Model <strong>{}</strong> (learned from won and lost leads) · conversion "
            "probability <strong>{}%</strong> · each attribute against the average lead</p>",
            factors.get("model"),
            f"{100 * float(factors.get('probability') or 0):.0f}",
        )
    else:
        head = format_html(
            "<p>Model <strong>{}</strong> · engagement decay ×{} after {} days inactive</p>",
            factors.get("model", "rules"),
            factors.get("decay", 1),
            factors.get("inactive_days", 0),
        )
    return format_html(
        "{}<table><thead><tr><th>Feature</th><th>Group</th><th>Value{}</th><th>Weight</th>"
        "<th>Points</th></tr></thead><tbody>{}</tbody><tfoot><tr><th colspan='4'>Score</th>"
        "<th>{}</th></tr></tfoot></table>",
        head,
        "" if learned else " (0-1)",
        body,
        f"{total:.2f}",
    )


def _weights_for(factors: dict | None) -> Any:
    if (factors or {}).get("model", "rules") == "rules":
        return Config.from_settings().weights
    return None


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyMixin, ModelAdmin):
    list_display = (
        "lead",
        "score",
        "grade",
        "fit_score",
        "engagement_score",
        "model_label",
        "reason",
        "created_at",
    )
    list_filter = ("grade", "model_label", "reason")
    list_select_related = ("lead",)
    search_fields = ("lead__email", "lead__company")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "lead",
        "score",
        "grade",
        "fit_score",
        "engagement_score",
        "model_label",
        "reason",
        "created_at",
        "why",
    )
    readonly_fields = fields

    @admin.display(description="Why this score")
    def why(self, obj: ScoreSnapshot) -> str:
        return factors_table(obj.factors, weights=_weights_for(obj.factors))


@admin.register(ScoreAlert)
class ScoreAlertAdmin(ReadOnlyMixin, ModelAdmin):
    list_display = ("lead", "reason", "score", "grade", "delivered_on", "created_at")
    list_filter = ("reason",)
    list_select_related = ("lead",)
    search_fields = ("lead__email", "lead__company")
    readonly_fields = ("lead", "reason", "details", "score", "grade", "deliveries", "created_at")

    @admin.display(description="Delivered on")
    def delivered_on(self, obj: ScoreAlert) -> str:
        return ", ".join(sorted(obj.deliveries)) or "pending"


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyMixin, ModelAdmin):
    list_display = (
        "version",
        "algorithm",
        "is_active",
        "status",
        "auc",
        "rules_auc",
        "brier",
        "why",
        "created_at",
    )
    readonly_fields = (
        "version",
        "algorithm",
        "why",
        "report",
        "is_active",
        "activated_at",
        "created_at",
        "feature_names",
        "metrics",
    )
    exclude = ("artifact",)
    actions = ("activate", "use_rules")

    @admin.display(description="Status")
    def status(self, obj: ScoringModel) -> str:
        return str(obj.metrics.get("status", "")).replace("_", " ")

    @admin.display(description="Held-out AUC (95%)")
    def auc(self, obj: ScoringModel) -> str:
        value, interval = obj.metrics.get("auc_model"), obj.metrics.get("auc_model_interval")
        if value is None:
            return ""
        return f"{value:.3f}" + (f" ({interval[0]:.3f}-{interval[1]:.3f})" if interval else "")

    @admin.display(description="Rules AUC")
    def rules_auc(self, obj: ScoringModel) -> Any:
        return obj.metrics.get("auc_rules")

    @admin.display(description="Brier")
    def brier(self, obj: ScoringModel) -> Any:
        return obj.metrics.get("brier_model")

    @admin.display(description="Why (active or not)")
    def why(self, obj: ScoringModel) -> str:
        return obj.metrics.get("message", "")

    @admin.display(description="Report")
    def report(self, obj: ScoringModel) -> str:
        m = obj.metrics or {}
        importance = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            [(raw_label(k), f"{v:.2f}") for k, v in (m.get("importance") or [])[:12]],
        )
        bins = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            [
                (b["bin"], b["n"], f"{b['mean_predicted']:.3f}", f"{b['observed_rate']:.3f}")
                for b in m.get("reliability_model") or []
            ],
        )
        return format_html(
            '<div class="bo-factors"><p>Trained on {} leads, held out the latest {} (from {});'
            " gain over the rules {} (95% {}).</p>"
            "<p><strong>Attributes that move scores most</strong> (mean points)</p>"
            "<table><tbody>{}</tbody></table>"
            "<p><strong>Calibration on the held-out leads</strong></p><table><thead><tr>"
            "<th>Probability</th><th>Leads</th><th>Predicted</th><th>Observed</th></tr>"
            "</thead><tbody>{}</tbody></table></div>",
            m.get("n_train", 0),
            m.get("n_test", 0),
            m.get("split_at", "-"),
            m.get("auc_gain", "-"),
            " to ".join(f"{g:+.3f}" for g in m.get("auc_gain_interval") or []) or "-",
            importance,
            bins,
        )

    @admin.action(description="Activate the selected model (one)", permissions=["change"])
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model.", messages.ERROR)
            return
        chosen = queryset.get()
        if chosen.algorithm != ALGORITHM:
            self.message_user(
                request,
                f"{chosen} is an earlier kind of model that no longer scores; train a new one.",
                messages.ERROR,
            )
            return
        model = scoring_model_activate(version=chosen.version)
        self.message_user(request, f"Activated {model}. Run rescore_leads to apply it.")

    @admin.action(description="Go back to the rule-based scoring", permissions=["change"])
    def use_rules(self, request, queryset) -> None:
        scoring_model_activate(version=None)
        self.message_user(request, "Rule-based scoring active. Run rescore_leads to apply it.")

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed by the actions; the form itself stays read-only (all fields read-only).
        return request.user.has_perm("scoring.change_scoringmodel")


# --- on the lead page -------------------------------------------------------------------------


class ScoreHistoryInline(TabularInline):
    model = ScoreSnapshot
    fk_name = "lead"
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Score history (latest first)"
    fields = (
        "created_at",
        "score",
        "grade",
        "fit_score",
        "engagement_score",
        "model_label",
        "reason",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    show_change_link = True

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = list(qs.order_by("-created_at", "-id").values_list("pk", flat=True)[:200])
        return qs.filter(pk__in=ids)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def why_this_score(obj: Any) -> str:
    """The lead's current factors and the rule-based next-best actions."""
    if obj is None or obj.pk is None:
        return ""
    factors = obj.score_factors or {}
    table = factors_table(factors, weights=_weights_for(factors))
    if not factors.get("points"):
        return table
    actions = rule_actions(lead=obj, grade=obj.grade, factors=factors)
    items = format_html_join(
        "", "<li><strong>{}</strong> — {}</li>", [(a["action"], a["reason"]) for a in actions]
    )
    probability = factors.get("probability")
    return format_html(
        '<div class="bo-factors"><p>Score <strong>{}</strong> (grade {}){}, fit {}, engagement {}'
        "</p>{}<p><strong>Next-best actions</strong></p><ol>{}</ol></div>",
        obj.score,
        obj.grade or "-",
        "" if probability is None else f" · conversion probability {100 * probability:.0f}%",
        obj.fit_score,
        obj.engagement_score,
        table,
        items,
    )


why_this_score.short_description = "Why this score"  # type: ignore[attr-defined]
