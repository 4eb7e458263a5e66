"""The contact page's form handling: a submission becomes a lead through the leads app's
capture (consent recorded in its ledger with the wording shown) and a sales feed entry —
no separate store of form submissions holding personal data."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

LEAD_FIELDS = ("name", "company", "phone", "role")


def _form(page, request: HttpRequest):
    if request.method == "POST":
        form = page.get_form(request.POST, page=page, user=request.user)
    else:
        form = page.get_form(page=page, user=request.user)
        topic = request.GET.get("topic", "").lower()
        if "topic" in form.fields and topic:
            # ?topic=demo (the "Book a demo" link without JavaScript) preselects that topic.
            form.initial["topic"] = next(
                (v for v, _label in form.fields["topic"].choices if v and topic in str(v).lower()),
                "",
            )
    if "consent" in form.fields:
        form.fields["consent"].required = True
        form.fields["consent"].label = page.consent_wording
    return form


def serve_contact(page, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    from core.context import context_from_request
    from leads.facade import CaptureError, ConsentInput, lead_signup, notify_sales

    form = _form(page, request)
    ctx = context_from_request(request)
    context = page.get_context(request, *args, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        topic = str(data.get("topic") or "").lower()
        is_demo = "demo" in topic
        message = str(data.get("message") or "").strip()
        profile = {k: str(data[k]).strip() for k in LEAD_FIELDS if data.get(k)}
        if message:
            profile["pain_points"] = [message[:500]]
        consent = ConsentInput(
            data_processing=bool(data.get("consent")),
            marketing=bool(data.get("marketing")),
            method="checkbox",
            wording=page.consent_wording,
            page_url=request.build_absolute_uri(),
        )
        try:
            with transaction.atomic():
                result = lead_signup(
                    email=str(data.get("email") or ""),
                    consent=consent,
                    source="contact",
                    form="demo_request" if is_demo else "contact",
                    visitor_id=ctx.visitor_id,
                    profile=profile,
                    page_url=request.build_absolute_uri(),
                    ctx=ctx,
                )
                who = profile.get("name") or result.lead.email
                notify_sales(
                    lead=result.lead,
                    kind="demo_request" if is_demo else "contact",
                    message=(f"{who} asked for a demo" if is_demo else f"{who} sent a message")
                    + (f": {message[:300]}" if message else ""),
                    data={"topic": topic, "page": page.url},
                )
        except CaptureError as exc:
            for field, messages in exc.details.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            context.update({"page": page, "is_demo": is_demo})
            return TemplateResponse(request, "content/contact_page_landing.html", context)
    context.update({"page": page, "form": form})
    return TemplateResponse(request, "content/contact_page.html", context)
