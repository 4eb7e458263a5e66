"""Public privacy pages: the no-JS consent form, the "your data" request form, and the
emailed single-use link (confirm, then download the export or erase)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.context import context_from_request
from core.ratelimit import rate_limit
from privacy import services
from privacy.api import data_request_submit, set_consent_cookie
from privacy.export import export_render
from privacy.models import DataRequest
from privacy.selectors import personal_data_collect


@require_POST
def consent_form(request: HttpRequest) -> HttpResponse:
    """The banner without JavaScript: a plain form post, then back to the page."""
    choice = request.POST.get("choice", "save")
    if choice == "accept_all":
        analytics = marketing = True
    elif choice == "reject_all":
        analytics = marketing = False
    else:
        analytics = request.POST.get("analytics") == "on"
        marketing = request.POST.get("marketing") == "on"
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    services.consent_banner_record(
        ctx=context_from_request(request),
        analytics=analytics,
        marketing=marketing,
        page_url=target,
    )
    response = HttpResponseRedirect(target)
    set_consent_cookie(response, request, analytics=analytics, marketing=marketing)
    return response


class RequestForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email address")
    type = forms.ChoiceField(
        choices=[
            ("export", "Send me a copy of my data"),
            ("erasure", "Erase my data"),
        ],
        widget=forms.RadioSelect,
        initial="export",
        label="What would you like to do?",
    )


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limited = rate_limit(request, "privacy-requests")
        if limited is not None:
            return limited
        form = RequestForm(request.POST)
        if form.is_valid():
            data_request_submit(
                request, email=form.cleaned_data["email"], kind=form.cleaned_data["type"]
            )
            return render(request, "privacy/request_sent.html")
    else:
        form = RequestForm()
    return render(request, "privacy/request_form.html", {"form": form})


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/link_gone.html", status=410)


@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest, request_id, token: str) -> HttpResponse:
    """GET shows what will happen; POST does it once (a mail scanner's GET changes nothing)."""
    try:
        if request.method == "GET":
            data_request = services.data_request_check(request_id=request_id, token=token)
            return render(request, "privacy/link_confirm.html", {"data_request": data_request})
        data_request = services.data_request_redeem(request_id=request_id, token=token)
    except services.LinkInvalid:
        return render(request, "privacy/link_gone.html", {"invalid": True}, status=404)
    except services.LinkGone:
        return _gone(request)
    if data_request.kind == DataRequest.Kind.EXPORT:
        fmt = request.POST.get("format", "json")
        fmt = fmt if fmt in ("json", "csv") else "json"
        data = personal_data_collect(services.subject_for_request(data_request))
        body, content_type, ext = export_render(data, fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="ementech-my-data.{ext}"'
        response["Cache-Control"] = "no-store"
        return response
    log = services.data_request_fulfil_erasure(request=data_request)
    return render(request, "privacy/erased.html", {"log": log})
