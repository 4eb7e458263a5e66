"""HTML views of the content app: the site search page and the signed download link."""

from __future__ import annotations

from django.http import FileResponse, HttpResponseForbidden, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from content import selectors, services
from core.context import context_from_request


@require_GET
def search_page(request):
    query = (request.GET.get("q") or "").strip()[:300]
    kind = request.GET.get("type", "")
    filters = {"type": kind} if kind else None
    results = selectors.search(query, filters=filters, k=12) if query else []
    return TemplateResponse(
        request,
        "content/search.html",
        {"query": query, "results": results, "current_type": kind},
    )


@require_GET
def download(request, token: str):
    """Stream the document of a signed, unexpired download link; 403 otherwise."""
    _lead, visitor = selectors.request_subject(request)
    try:
        document = services.download_open(
            token=token, visitor=visitor, ctx=context_from_request(request)
        )
    except services.DownloadDenied as exc:
        return HttpResponseForbidden(str(exc), content_type="text/plain")
    from integrations.facade import download_url

    presigned = download_url(file=document.file, filename=document.filename)
    if presigned:  # on S3: a presigned URL that expires within a minute
        response = HttpResponseRedirect(presigned)
    else:
        response = FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
