"""The Content-Security-Policy middleware, with allowances for the two back offices.

The site's policy (``settings.CONTENT_SECURITY_POLICY``) applies to every page, both admins
included, and the public site gets it unchanged (``script-src 'self'``: no inline script, no
``eval``). Two back offices need more, each under its own prefix only:

- ``/admin/`` (Django admin): its theme (django-unfold) runs Alpine.js, which evaluates its
  ``x-data``/``x-show`` expressions with ``new Function``: without ``'unsafe-eval'`` its menus,
  modals and theme switch stay inert (and a search modal covers the login form).
- ``/cms/`` (Wagtail admin): Wagtail renders inline ``<script>`` elements that start its
  widgets: every chooser (``new PageChooser("id_page", {...})``, images, documents,
  snippets), ``InlinePanel``'s "add" button, the date pickers, the workflow and tag fields.
  Blocked, a marketer's chooser buttons and "Add variant" do nothing. A nonce would not
  reach them (Wagtail writes the tags itself, without one) and hashes cannot cover them
  (each script embeds the field's id and options), so ``'unsafe-inline'`` is allowed there,
  and only there. Sources stay ``'self'``; the pages are for signed-in staff only.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIX = "/admin/"
CMS_PREFIX = "/cms/"  # ementech/urls.py mounts wagtailadmin_urls here

SCRIPT_ALLOWANCES = {
    ADMIN_PREFIX: ["'unsafe-eval'"],
    CMS_PREFIX: ["'unsafe-inline'"],
}


def script_allowances(path: str) -> list[str]:
    """The keywords added to ``script-src`` for a request path (none on the public site)."""
    for prefix, keywords in SCRIPT_ALLOWANCES.items():
        if path.startswith(prefix):
            return keywords
    return []


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        extra = script_allowances(request.path)
        if extra:
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), *extra]
            parts.update = update
        return parts
