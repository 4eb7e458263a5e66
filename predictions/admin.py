"""Back office of the predictions app: the lead's predictions panel (``ai_data["predicted"]``)
and the automated interventions (rules, with their last firings; "run now")."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin, TabularInline

from predictions.models import InterventionFiring, InterventionRule

FIRINGS_SHOWN = 20


def lead_predictions(obj: Any) -> str:
    """The values the models wrote on the lead, each with where it came from."""
    predicted = (getattr(obj, "ai_data", None) or {}).get("predicted") or {}
    if not predicted:
        return "No prediction yet: no model has been trained or none is active."
    rows = [
        (name.replace("_", " "), json.dumps(e.get("value")), e.get("source", ""), e.get("at", ""))
        for name, e in sorted(predicted.items())
    ]
    return format_html(
        '<table class="bo-predictions"><thead><tr><th>Value</th><th>Prediction</th>'
        "<th>Source</th><th>At</th></tr></thead><tbody>{}</tbody></table>",
        format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
    )


lead_predictions.short_description = "Predictions"  # type: ignore[attr-defined]


# --- automated interventions (Sales: the role with the predictions permissions) ----------------


class FiringInline(TabularInline):
    """The rule's last firings, newest first (read-only)."""

    model = InterventionFiring
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Last firings (newest first)"
    fields = ("fired_at", "lead", "score", "trigger", "what_was_done")
    readonly_fields = fields
    ordering = ("-fired_at", "-pk")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = list(qs.order_by("-fired_at", "-pk").values_list("pk", flat=True)[:FIRINGS_SHOWN])
        return qs.filter(pk__in=ids).select_related("lead")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="What was done")
    def what_was_done(self, obj: InterventionFiring) -> str:
        return actions_label(obj.actions)


def actions_label(actions: dict[str, Any] | None) -> str:
    a = actions or {}
    if "enrolment_id" in a:
        return f"enrolled in {a.get('sequence', 'the sequence')} (enrolment {a['enrolment_id']})"
    if "task_id" in a:
        alert = f", alert {a['alert_id']}" if a.get("alert_id") else ""
        return f"task {a['task_id']}{alert} for {a.get('owner', '')}"
    return ""


@admin.register(InterventionRule)
class InterventionRuleAdmin(ModelAdmin):
    list_display = (
        "name",
        "rule",
        "is_active",
        "cooldown_days",
        "max_per_day",
        "fired_24h",
        "last_fired",
        "created_by",
    )
    list_filter = ("is_active", "signal", "action")
    fields = (
        "name",
        "is_active",
        "signal",
        "service",
        "threshold",
        "action",
        "sequence",
        "cooldown_days",
        "max_per_day",
        "model_status",
        "created_by",
    )
    readonly_fields = ("model_status", "created_by")
    inlines = (FiringInline,)
    actions = ("run_now",)

    def get_queryset(self, request):
        since = timezone.now() - dt.timedelta(days=1)
        return (
            super()
            .get_queryset(request)
            .select_related("created_by", "sequence")
            .annotate(
                n_24h=Count("firings", filter=Q(firings__fired_at__gt=since)),
                last_at=Max("firings__fired_at"),
            )
        )

    @admin.display(description="Rule")
    def rule(self, obj: InterventionRule) -> str:
        return obj.describe()

    @admin.display(description="Firings (24 h)", ordering="n_24h")
    def fired_24h(self, obj: InterventionRule) -> int:
        return getattr(obj, "n_24h", 0)

    @admin.display(description="Last fired", ordering="last_at")
    def last_fired(self, obj: InterventionRule) -> Any:
        return getattr(obj, "last_at", None)

    @admin.display(description="Its model")
    def model_status(self, obj: InterventionRule) -> str:
        from predictions.interventions import latest_run

        if obj.pk is None and not obj.signal:
            return "-"
        run = latest_run(obj)
        if run is None:
            return "Not trained yet: the rule fires once its model is trained and active."
        return run.message or run.status

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Run the selected rules now", permissions=["change"])
    def run_now(self, request, queryset) -> None:
        from predictions.interventions import ON_DEMAND, interventions_run

        outcomes = interventions_run(
            trigger=ON_DEMAND,
            actor=request.user,
            rule_ids=list(queryset.values_list("pk", flat=True)),
        )
        for o in outcomes:
            extra = f" ({o.note})" if o.note else ""
            skipped = sum(o.skipped.values())
            self.message_user(
                request,
                f"Rule {o.rule_id}: fired {o.fired} of {o.candidates} candidates; "
                f"{o.in_cooldown} in cooldown, {o.capped} over the daily cap, "
                f"{skipped} refused by the action{extra}.",
                messages.INFO,
            )


@admin.register(InterventionFiring)
class InterventionFiringAdmin(ModelAdmin):
    list_display = ("fired_at", "rule", "lead", "score", "trigger", "what_was_done")
    list_filter = ("rule", "trigger")
    list_select_related = ("rule", "lead")
    search_fields = ("lead__email", "lead__company")
    readonly_fields = ("rule", "lead", "run", "score", "trigger", "actions", "fired_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="What was done")
    def what_was_done(self, obj: InterventionFiring) -> str:
        return actions_label(obj.actions)
