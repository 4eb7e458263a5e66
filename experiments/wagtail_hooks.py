"""Wagtail admin for marketers: experiments are snippets (create and edit with their
variants), plus the experiments dashboard (running and finished tests with lift, interval
and decision) and each test's read-out page with Start, Stop and "Ship this variant"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from experiments import selectors, services
from experiments.models import Experiment, Flag

VIEW_PERMISSION = "experiments.view_experiment"
DECISIONS = {
    "winner": "Winner found",
    "loser": "Control is better",
    "inconclusive": "No clear difference yet",
    "not_enough_data": "Not enough data yet",
    "srm": "Sample-ratio mismatch",
}
CHANGE_PERMISSION = "experiments.change_experiment"


class ExperimentViewSet(SnippetViewSet):
    model = Experiment
    icon = "tasks"
    list_display = ["name", "target", "goal", "status"]
    list_filter = ["status", "goal"]
    menu_label = "Experiments"
    menu_order = 250
    add_to_admin_menu = True


register_snippet(ExperimentViewSet)


class FlagViewSet(SnippetViewSet):
    model = Flag
    icon = "tag"
    list_display = ["name", "everyone", "percent", "grades", "industries", "consent"]
    menu_label = "Feature flags"
    menu_order = 252
    add_to_admin_menu = True
    panels = [
        FieldPanel("name"),
        FieldPanel("note"),
        FieldPanel("everyone"),
        FieldPanel("percent", help_text="Share of visitors (sticky, the experiments' hash)."),
        MultiFieldPanel(
            [FieldPanel("grades"), FieldPanel("industries"), FieldPanel("consent")],
            heading="Segment",
        ),
        MultiFieldPanel([FieldPanel("groups"), FieldPanel("staff")], heading="Roles"),
    ]


register_snippet(FlagViewSet)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _row(exp: Experiment, out) -> dict:
    row = {"experiment": exp, "readout": out, "lift": "", "prob": "", "visitors": ""}
    if exp.status == Experiment.Status.SHIPPED and exp.winner:
        row["decision"] = f"Shipped “{exp.winner.name or exp.winner.key}”"
    elif out is None:
        row["decision"] = "Not started"
    else:
        row["decision"] = DECISIONS.get(out.decision, out.decision)
    if out is not None:
        row["visitors"] = " / ".join(f"{a.exposures:,}" for a in out.arms)
        challengers = out.arms[1:]
        if challengers:
            best = max(challengers, key=lambda a: a.prob_beat_control or 0)
            lo, hi = best.lift_interval
            row["lift"] = f"{best.name}: {best.lift:+.1%} ({lo:+.1%} to {hi:+.1%})"
            row["prob"] = f"{best.prob_beat_control:.1%}"
    return row


def dashboard(request):
    _require(request, VIEW_PERMISSION)
    rows = []
    for exp in selectors.experiment_list():
        out = selectors.experiment_readout(experiment=exp) if exp.status != "draft" else None
        rows.append(_row(exp, out))
    running = [r for r in rows if r["experiment"].status == Experiment.Status.RUNNING]
    finished = [r for r in rows if r["experiment"].status in ("stopped", "shipped")]
    drafts = [r for r in rows if r["experiment"].status == Experiment.Status.DRAFT]
    return TemplateResponse(
        request,
        "experiments/admin/dashboard.html",
        {"running": running, "finished": finished, "drafts": drafts},
    )


def readout(request, pk: int):
    _require(request, VIEW_PERMISSION)
    exp = get_object_or_404(selectors.experiment_list(), pk=pk)
    out = selectors.experiment_readout(experiment=exp) if exp.status != "draft" else None
    return TemplateResponse(
        request,
        "experiments/admin/readout.html",
        {
            "experiment": exp,
            "readout": out,
            "variants": list(exp.variants.all()),
            "can_change": request.user.has_perm(CHANGE_PERMISSION),
            "audits": exp.audits.select_related("actor")[:10],
            "email_figures": selectors.experiment_email_figures(experiment=exp)
            if out is not None
            else [],
        },
    )


@require_POST
def action(request, pk: int, verb: str):
    _require(request, CHANGE_PERMISSION)
    exp = get_object_or_404(Experiment, pk=pk)
    try:
        if verb == "start":
            services.experiment_start(experiment=exp, actor=request.user)
            messages.success(request, f"“{exp.name}” is running.")
        elif verb == "stop":
            services.experiment_stop(experiment=exp, actor=request.user)
            messages.success(request, f"“{exp.name}” is stopped.")
        elif verb == "ship":
            variant = get_object_or_404(exp.variants, pk=request.POST.get("variant"))
            services.experiment_ship(experiment=exp, variant=variant, actor=request.user)
            messages.success(request, f"Shipped “{variant.name or variant.key}”.")
        else:
            raise PermissionDenied
    except services.ExperimentError as exc:
        messages.error(request, str(exc))
    return redirect("experiments_readout", pk=exp.pk)


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("experiments/", dashboard, name="experiments_dashboard"),
        path("experiments/<int:pk>/", readout, name="experiments_readout"),
        path(
            "experiments/<int:pk>/<str:verb>/",
            action,
            name="experiments_action",
        ),
    ]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return DashboardMenuItem(
        "Experiment results",
        reverse("experiments_dashboard"),
        icon_name="table",
        order=251,
        name="experiment-results",
    )
