"""The tracking endpoints of sent emails: the open pixel and the signed click redirect."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.context import context_from_request
from mail.services.tracking import email_clicked, email_opened

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_GET
def email_open_pixel(request: HttpRequest, token) -> HttpResponse:
    email_opened(token=str(token), ctx=context_from_request(request))
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
@require_GET
def email_click(request: HttpRequest, token) -> HttpResponse:
    result = email_clicked(
        token=str(token),
        url=request.GET.get("u", ""),
        signature=request.GET.get("s", ""),
        ctx=context_from_request(request),
    )
    if not result.allowed:
        return render(request, "mail/link_refused.html", {"reason": result.reason}, status=400)
    return HttpResponseRedirect(result.url)
