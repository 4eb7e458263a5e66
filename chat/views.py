"""Pages of the chat app: ``/demo/confirm/<token>``, the one-time link that lets the owner
of an address confirm a demo that a browser not verified for it asked for (a *hold*).

The GET only shows the held time and a button: an email scanner that prefetches links
must not confirm a demo the person never wanted. The button (POST) confirms it once; then
the invitation is sent as for any booking.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chat.scheduling import demo_hold_for_token, slot_label
from chat.services import demo_hold_confirmed


def _page(request: HttpRequest, template: str, context: dict, status: int) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to the next page
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def demo_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        booking = demo_hold_confirmed(token=token)
        if booking is None:
            return _page(request, "chat/demo_confirm_invalid.html", {}, 404)
        context = {"confirmed": True, "label": slot_label(booking.starts_at)}
        return _page(request, "chat/demo_confirm.html", context, 200)
    booking = demo_hold_for_token(token)
    if booking is None:
        return _page(request, "chat/demo_confirm_invalid.html", {}, 404)
    context = {"confirmed": False, "label": slot_label(booking.starts_at)}
    return _page(request, "chat/demo_confirm.html", context, 200)
