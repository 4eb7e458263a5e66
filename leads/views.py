"""Pages of the leads app: ``/continue/<token>``, the one-time link that verifies the browser
that opens it for the lead it was sent to.

Being recognised on a device needs the visitor cookie, which the privacy gate allows only
with analytics consent. A browser that has it is verified by the GET itself (one click from
the email). Any other browser gets a page with one button that records that consent and
comes back to the link (two clicks); with Global Privacy Control it is told why it cannot
be remembered. The GET of a browser without consent never uses the link up, so an email
scanner that prefetches links cannot spend it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.context import context_from_request
from leads.cookies import visitor_cookie_set
from leads.services import visitor_touch
from leads.services.identity import verification_link_open, verification_link_valid


@never_cache
@require_http_methods(["GET", "POST"])
def continue_link(request: HttpRequest, token: str) -> HttpResponse:
    if not verification_link_valid(token=token):
        return render(request, "leads/continue_invalid.html", status=404)
    allowed = getattr(request, "analytics_allowed", True)
    if request.method == "POST":
        return _remember_this_device(request, token)
    if not allowed:
        from privacy.facade import consent_state

        state = consent_state(request=request)
        response = render(
            request, "leads/continue_confirm.html", {"signal": state.signal}, status=200
        )
        response["Referrer-Policy"] = "no-referrer"
        return response
    ctx = context_from_request(request)
    visitor = visitor_touch(visitor_id=ctx.visitor_id, ctx=ctx)
    lead = verification_link_open(token=token, visitor=visitor)
    if lead is None:
        return render(request, "leads/continue_invalid.html", status=404)
    response = HttpResponseRedirect("/?welcome=back")
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to the next page
    visitor_cookie_set(request, response, visitor.pk)
    return response


def _remember_this_device(request: HttpRequest, token: str) -> HttpResponse:
    """The button: record analytics consent (the person asked to be recognised here), then
    come back to the link, which now verifies this browser."""
    from privacy.facade import consent_banner_record, set_consent_cookie

    choice = consent_banner_record(
        ctx=context_from_request(request), analytics=True, marketing=False, page_url="/continue/"
    )
    response = HttpResponseRedirect(request.path)
    if choice.effective_analytics:
        set_consent_cookie(
            response=response, request=request, analytics=True, marketing=choice.marketing
        )
    return response
