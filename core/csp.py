"""The Content-Security-Policy middleware, with one allowance for the back office.

The site's policy (``settings.CONTENT_SECURITY_POLICY``) applies to every page, the Django
admin included. The admin's theme (django-unfold) runs Alpine.js, which evaluates its
``x-data``/``x-show`` expressions with ``new Function``: without ``'unsafe-eval'`` its menus,
modals and theme switch stay inert (and a search modal covers the login form). So admin
pages, and only those, may evaluate scripts; their sources are still ``'self'``."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIX = "/admin/"


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(ADMIN_PREFIX):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), "'unsafe-eval'"]
            parts.update = update
        return parts
