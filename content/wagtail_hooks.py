"""Wagtail hooks: count page views, keep resource documents off Wagtail's public route."""

from __future__ import annotations

from django.http import Http404
from wagtail import hooks
from wagtail.admin.ui.components import Component


@hooks.register("before_serve_page")
def count_content_view(page, request, serve_args, serve_kwargs):
    """Count a view of a content page (a visit, not a preview; counting never blocks)."""
    from content.models import CONTENT_PAGE_MODELS, EngagementKind
    from content.selectors import request_subject
    from content.services import engagement_record

    if request.method != "GET" or getattr(request, "is_preview", False):
        return None
    if not isinstance(page, CONTENT_PAGE_MODELS):
        return None
    lead, visitor = request_subject(request)
    engagement_record(page_id=page.pk, kind=EngagementKind.VIEW, visitor=visitor, lead=lead)
    return None


@hooks.register("before_serve_document")
def protect_resource_documents(document, request):
    """A document attached to a resource is released only through a signed link; Wagtail's
    ``/documents/<id>/<filename>`` answers 404 for it unless the user may edit documents."""
    from content.models import ResourcePage

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("wagtaildocs.change_document"):
        return None
    if ResourcePage.objects.filter(document=document).exists():
        raise Http404("Not found.")
    return None


REBUILD_PERMISSION = "content.change_knowledgeindex"


class KnowledgeIndexPanel(Component):
    """CMS dashboard panel: the knowledge index's embedding model and rebuild state, with a
    "Rebuild now" button when the last rebuild failed or its worker died (stale)."""

    name = "knowledge_index"
    order = 50
    template_name = "content/admin/knowledge_panel.html"

    def __init__(self, request=None):
        self.request = request

    def get_context_data(self, parent_context=None) -> dict:
        from django.middleware.csrf import get_token

        from content.knowledge import index_status

        status = index_status()
        context = {"index": status, "can_rebuild": False}
        request = self.request
        if request is not None and request.user.has_perm(REBUILD_PERMISSION):
            context["can_rebuild"] = status["can_rebuild"]
            context["csrf_token"] = get_token(request)
        return context


@hooks.register("construct_homepage_panels")
def add_knowledge_panel(request, panels):
    panels.append(KnowledgeIndexPanel(request))


def knowledge_rebuild_view(request):
    """POST: queue a new rebuild of the configured model's index (thin: one service)."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    from content.services import knowledge_rebuild_restart

    if request.method != "POST":
        return redirect("wagtailadmin_home")
    if not request.user.has_perm(REBUILD_PERMISSION):
        raise PermissionDenied
    if knowledge_rebuild_restart(actor=request.user):
        messages.success(request, "Knowledge base rebuild queued; the chat keeps answering.")
    else:
        messages.warning(request, "A rebuild is already running; nothing new was queued.")
    return redirect("wagtailadmin_home")


@hooks.register("register_admin_urls")
def register_knowledge_urls():
    from django.urls import path

    return [path("knowledge/rebuild/", knowledge_rebuild_view, name="content_knowledge_rebuild")]


@hooks.register("register_admin_urls")
def register_writing_urls():
    from django.urls import path

    from content.writing_views import writing_help_view

    return [path("writing/<int:page_id>/", writing_help_view, name="content_writing_help")]


def _writing_button(page, user):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from content.writing import writable_fields, writing_help_available

    if (
        writing_help_available()
        and writable_fields(page.specific)
        and page.permissions_for_user(user).can_edit()
    ):
        url = reverse("content_writing_help", args=[page.pk])
        yield Button("AI writing help", url, icon_name="edit", priority=90)


@hooks.register("register_page_listing_more_buttons")
def writing_listing_button(page, user, next_url=None):
    yield from _writing_button(page, user)


@hooks.register("register_page_header_buttons")
def writing_header_button(page, user, view_name, next_url=None):
    yield from _writing_button(page, user)
