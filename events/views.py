"""HTML views: the event page's registration form (works without JavaScript) and the
signed cancellation page. Both call the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from core.context import context_from_request
from core.errors import STATUS_BY_CODE
from events.forms import CONSENT_WORDING, MARKETING_WORDING, RegistrationForm
from events.models import EventPage, EventRegistration
from events.services import (
    RegistrationError,
    event_register,
    registration_cancel,
    registration_from_cancel_token,
)


def visitor_from_request(request: HttpRequest):
    """The visitor of the ``em_vid`` cookie, if it exists. Never created here (setting
    tracking cookies is the privacy app's business), and never taken from a request body:
    linking a visitor to a lead stitches its history, so only the browser itself may."""
    from leads.facade import Visitor

    visitor_id = context_from_request(getattr(request, "_request", request)).visitor_id
    if visitor_id is None:
        return None
    return Visitor.objects.select_related("lead").filter(pk=visitor_id).first()


def registration_form(event: EventPage, context: dict, data=None) -> RegistrationForm:
    return RegistrationForm(
        data,
        fields_to_ask=context["fields_to_ask"],
        required=context["required_fields"],
        prefix=None,
    )


def event_page_serve(event: EventPage, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """GET renders the page with its form; POST registers and redirects (PRG) or re-renders
    the page with the form's errors."""
    context = event.get_context(request, *args, **kwargs)
    if request.method != "POST":
        context["form"] = registration_form(event, context)
        return TemplateResponse(request, event.get_template(request), context)

    form = registration_form(event, context, data=request.POST)
    context["form"] = form
    if form.is_valid():
        from leads.facade import ConsentInput

        consent = ConsentInput(
            data_processing=form.cleaned_data["consent_data_processing"],
            marketing=form.cleaned_data["consent_marketing"],
            method="checkbox",
            wording=CONSENT_WORDING
            + (f" / {MARKETING_WORDING}" if form.cleaned_data["consent_marketing"] else ""),
            page_url=request.build_absolute_uri(event.url or "/")[:500],
        )
        try:
            result = event_register(
                event_id=event.uuid,
                email=form.cleaned_data["email"],
                consent=consent,
                answers=form.answers(),
                join_waitlist=form.cleaned_data["join_waitlist"],
                visitor=visitor_from_request(request),
                source="event_page",
                ctx=context_from_request(request),
            )
        except RegistrationError as exc:
            form.add_error(None, exc.message)
            for field, errors in exc.details.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            context["registration_error"] = exc
            return TemplateResponse(
                request, event.get_template(request), context, status=STATUS_BY_CODE[exc.code]
            )
        if result.status == EventRegistration.Status.REGISTERED:
            messages.success(
                request,
                "You're registered. We've emailed your confirmation with a calendar invite.",
            )
        else:
            messages.info(
                request,
                "The event is full, so you're on the waitlist. We'll email you if a seat frees up.",
            )
        return redirect(f"{event.url}?registration={result.status}#register")
    return TemplateResponse(request, event.get_template(request), context, status=400)


@require_http_methods(["GET", "POST"])
def registration_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will be cancelled (link scanners only GET); POST cancels."""
    registration = registration_from_cancel_token(token)
    if registration is None:
        raise Http404("This cancellation link is not valid.")
    done = False
    if request.method == "POST" and registration.status != EventRegistration.Status.CANCELLED:
        registration_cancel(registration_id=registration.pk)
        registration.refresh_from_db()
        done = True
    return TemplateResponse(
        request,
        "events/registration_cancel.html",
        {
            "registration": registration,
            "event": registration.event,
            "done": done,
            "already_cancelled": registration.status == EventRegistration.Status.CANCELLED
            and not done,
        },
    )
