"""Wagtail admin view of AI writing help (seed 8.2.3): pick a text field of a page, say what
you want, see the model's draft, its critique against the checklist and the revision side by
side, then accept the revision (editable) into a draft revision of the page. 404 when no
model key is set (the page buttons are hidden then too)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.models import Page

from content import writing


def writing_help_view(request, page_id: int):
    if not writing.writing_help_available():
        raise Http404("AI writing help needs a model key.")
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    fields = writing.writable_fields(page)
    latest = page.get_latest_revision_as_object()
    field = request.POST.get("field") or request.GET.get("field") or (fields[0] if fields else "")
    if field not in fields:
        raise Http404("Not a text field of this page.")
    context = {
        "page": page,
        "fields": [(f, type(page)._meta.get_field(f).verbose_name) for f in fields],
        "field": field,
        "current": getattr(latest, field, "") or "",
        "instruction": request.POST.get("instruction", ""),
        "audience": request.POST.get("audience", ""),
        "page_title": f"AI writing help: {page.title}",
    }
    if request.method == "POST" and request.POST.get("action") == "accept":
        writing.writing_accept(
            page=page, field=field, text=request.POST.get("text", ""), user=request.user
        )
        messages.success(request, "Saved the revision as a draft: review it and publish.")
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    if request.method == "POST":
        try:
            context["result"] = writing.writing_help(
                page_title=page.title,
                field_label=str(type(page)._meta.get_field(field).verbose_name),
                current=context["current"],
                instruction=context["instruction"],
                audience=context["audience"],
                actor_id=request.user.pk,
            )
        except writing.WritingHelpError as exc:
            messages.error(request, str(exc))
    return TemplateResponse(request, "content/admin/writing_help.html", context)
