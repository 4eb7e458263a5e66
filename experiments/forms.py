"""Form field set tests: the fields a visitor's variant of a capture form asks for.

The test runs on a gated resource page's download form (``Experiment.page``); each
variant's content lists its fields (``email, company, role``), a blank control keeps the
page's own. The variant is the sticky hash of the ``em_vid`` cookie and the experiment,
as for every other test, so the page that renders the form and the API that accepts it
agree without the browser saying which variant it saw.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from experiments import resolution
from experiments.services import field_set

TARGET = "form_fields"


def form_fields_for_request(
    *, request: HttpRequest, page_id: Any, count: bool = True, now: bool = False
) -> list[str] | None:
    if page_id is None:
        return None
    slug = resolution.slug_for_page(page_id, TARGET)
    if not slug:
        return None
    from leads.facade import visitor_id_from_request
    from privacy.facade import analytics_allowed

    raw = getattr(request, "_request", request)  # a DRF request wraps Django's
    res = resolution.resolve_for_visitor(
        slug,
        visitor_id=visitor_id_from_request(raw),
        consented=analytics_allowed(request=raw),
        record=count,
        defer=not now,
    )
    return field_set(res.content) or None
