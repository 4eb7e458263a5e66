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


class KnowledgeIndexPanel(Component):
    """CMS dashboard panel: the knowledge index's embedding model and rebuild state."""

    name = "knowledge_index"
    order = 50
    template_name = "content/admin/knowledge_panel.html"

    def get_context_data(self, parent_context=None) -> dict:
        from content.knowledge import index_status

        return {"index": index_status()}


@hooks.register("construct_homepage_panels")
def add_knowledge_panel(request, panels):
    panels.append(KnowledgeIndexPanel())
