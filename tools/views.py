"""Public pages of the tools: ``/tools/roi/`` and ``/tools/assessment/`` (server-rendered
forms that work without JavaScript; ``static/js/tools.js`` adds smart form fill), and the
radar chart as SVG."""

from __future__ import annotations

import uuid

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from core.context import context_from_request
from core.ratelimit import rate_limit
from leads.facade import Lead
from tools import assessment, extract, roi, selectors, services
from tools.api import radar_url
from tools.models import ToolResult

SIZE_CHOICES = [("", "—"), *Lead.CompanySize.choices]
INDUSTRY_CHOICES = [("", "—"), *[(k, label) for k, label, _ in extract.INDUSTRIES]]


class RoiForm(forms.Form):
    team_size = forms.IntegerField(
        min_value=1, max_value=100_000, initial=5, label="People on the team"
    )
    avg_salary = forms.IntegerField(
        min_value=1_000, max_value=2_000_000, initial=80_000, label="Average annual salary (USD)"
    )
    current_tools = forms.CharField(
        max_length=600,
        required=False,
        label="Tools you use today",
        help_text="Comma-separated, e.g. Salesforce, HubSpot",
    )
    pain_points = forms.MultipleChoiceField(
        choices=[(k, v[0]) for k, v in roi.PAIN_POINTS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        # The two most common answers, so the defaults describe a typical team (with
        # nothing ticked there is nothing to save and the estimate is negative).
        initial=["lead_quality", "follow_up_speed"],
        label="What slows you down?",
    )
    goals = forms.MultipleChoiceField(
        choices=list(roi.GOALS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Your goals",
    )

    def inputs(self) -> roi.RoiInputs:
        d = self.cleaned_data
        tools = [t.strip()[:60] for t in d["current_tools"].split(",") if t.strip()][:20]
        return roi.RoiInputs(
            team_size=d["team_size"],
            avg_salary=float(d["avg_salary"]),
            current_tools=tuple(tools),
            pain_points=tuple(d["pain_points"]),
            goals=tuple(d["goals"]),
        )


class EmailResultForm(forms.Form):
    result_id = forms.UUIDField(widget=forms.HiddenInput)
    email = forms.EmailField(max_length=254, label="Your work email")
    role = forms.CharField(max_length=200, required=False, label="Your role")
    company_size = forms.ChoiceField(choices=SIZE_CHOICES, required=False, label="Company size")
    industry = forms.ChoiceField(choices=INDUSTRY_CHOICES, required=False, label="Industry")
    data_processing = forms.BooleanField(label=services.EMAIL_CONSENT_WORDING)
    marketing = forms.BooleanField(required=False, label=services.MARKETING_WORDING)


def _email_step(request: HttpRequest, kind: str) -> tuple[EmailResultForm, ToolResult | None, bool]:
    from leads.facade import CaptureError, ConsentInput
    from tools.api import with_form_wording

    form = EmailResultForm(request.POST)
    try:
        result_id = uuid.UUID(request.POST.get("result_id", ""))
    except ValueError:
        result_id = None
    result = ToolResult.objects.filter(pk=result_id, kind=kind).first() if result_id else None
    if result is None:
        form.add_error(None, "This result has expired; please calculate again.")
        return form, None, False
    if not form.is_valid():
        return form, result, False
    d = form.cleaned_data
    try:
        services.tool_result_email(
            result=result,
            email=d["email"],
            consent=with_form_wording(
                ConsentInput(data_processing=d["data_processing"], marketing=d["marketing"])
            ),
            profile={k: d[k] for k in ("role", "company_size", "industry") if d[k]},
            visitor=selectors.visitor_for_request(request),
            ctx=context_from_request(request),
        )
    except CaptureError as exc:
        for field, messages in exc.details.items():
            form.add_error(field if field in form.fields else None, messages)
        return form, result, False
    return form, result, True


@require_http_methods(["GET", "POST"])
def roi_page(request: HttpRequest) -> HttpResponse:
    context: dict = {"assumptions": roi.assumptions()}
    action = request.POST.get("action", "calculate") if request.method == "POST" else ""
    if action:
        blocked = rate_limit(request, "tools")
        if blocked is not None:
            return blocked
    if action == "email":
        email_form, result, sent = _email_step(request, ToolResult.Kind.ROI)
        context.update(form=RoiForm(initial=_roi_initial(result)), result=result)
        context.update(email_form=email_form, sent=sent)
        return render(request, "tools/roi.html", context)
    form = RoiForm(request.POST or None)
    if action == "calculate" and form.is_valid():
        visitor = selectors.visitor_for_request(request)
        result = services.roi_calculate(
            inputs=form.inputs(),
            visitor=visitor,
            lead=selectors.lead_for_visitor(visitor),
            ctx=context_from_request(request),
        )
        context.update(result=result, email_form=EmailResultForm(initial={"result_id": result.pk}))
    context["form"] = form
    return render(request, "tools/roi.html", context)


def _roi_initial(result: ToolResult | None) -> dict:
    if result is None:
        return {}
    i = result.inputs
    return {**i, "current_tools": ", ".join(i.get("current_tools", []))}


def _answers_from_post(post) -> tuple[dict[str, int] | None, dict[str, list[str]]]:
    raw = {}
    for q in assessment.QUESTIONS:
        value = post.get(q.id, "")
        raw[q.id] = int(value) if value.isdigit() else None
    try:
        return assessment.validate_answers(raw), {}
    except assessment.AnswerError as exc:
        return None, exc.details


def _question_groups(selected: dict[str, int], errors: dict) -> list[dict]:
    """Questions grouped by dimension, numbered, with the visitor's previous answers."""
    groups: list[dict] = []
    for number, q in enumerate(assessment.QUESTIONS, start=1):
        if not groups or groups[-1]["key"] != q.dimension:
            groups.append(
                {"key": q.dimension, "label": assessment.DIMENSIONS[q.dimension][0], "rows": []}
            )
        groups[-1]["rows"].append(
            {
                "number": number,
                "question": q,
                "error": q.id in errors,
                "options": [
                    (i, label, selected.get(q.id) == i) for i, label in enumerate(q.options)
                ],
            }
        )
    return groups


@require_http_methods(["GET", "POST"])
def assessment_page(request: HttpRequest) -> HttpResponse:
    context: dict = {
        "questions": assessment.QUESTIONS,
        "dimensions": assessment.DIMENSIONS,
        "selected": {},
        "errors": {},
    }
    action = request.POST.get("action", "assess") if request.method == "POST" else ""
    if action:
        blocked = rate_limit(request, "tools")
        if blocked is not None:
            return blocked
    if action == "email":
        email_form, result, sent = _email_step(request, ToolResult.Kind.ASSESSMENT)
        context.update(result=result, email_form=email_form, sent=sent)
    elif action == "assess":
        answers, errors = _answers_from_post(request.POST)
        context["selected"] = {
            k: int(v)
            for k, v in request.POST.items()
            if k in assessment.QUESTION_BY_ID and v.isdigit()
        }
        if answers is None:
            context["errors"] = errors
        else:
            visitor = selectors.visitor_for_request(request)
            result = services.assessment_run(
                answers=answers,
                visitor=visitor,
                lead=selectors.lead_for_visitor(visitor),
                ctx=context_from_request(request),
            )
            context.update(
                result=result, email_form=EmailResultForm(initial={"result_id": result.pk})
            )
    context["groups"] = _question_groups(context["selected"], context["errors"])
    result = context.get("result")
    if result is not None:
        context["chart_url"] = radar_url(result.outputs["dimensions"])
        dims = result.outputs["dimensions"]
        context["dimension_rows"] = [
            (v[0], dims.get(k, 0)) for k, v in assessment.DIMENSIONS.items()
        ]
    return render(request, "tools/assessment.html", context)


@require_GET
def radar_chart(request: HttpRequest) -> HttpResponse:
    values = {}
    for key in assessment.DIMENSIONS:
        raw = request.GET.get(key, "0")
        values[key] = max(0, min(100, int(raw))) if raw.isdigit() else 0
    response = HttpResponse(assessment.radar_svg(values), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
