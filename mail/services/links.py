"""Links inside emails: absolute URLs, the hosts a tracked click may lead to, signed click
links and the open pixel, and the rewriting of an HTML body into tracked links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

CLICK_SALT = "nurture.click"  # kept from the nurture app: links already sent stay valid

# Links that must work exactly as written (consent and unsubscribe): never wrapped.
NEVER_TRACK = ("/api/newsletter/unsubscribe/", "/newsletter/preferences/", "/newsletter/confirm/")
_HREF_RE = re.compile(r'href="([^"]+)"')


def absolute_url(path: str) -> str:
    return urljoin(settings.SITE_URL + "/", path.lstrip("/")) if path.startswith("/") else path


def redirect_allowed_hosts() -> set[str]:
    """Hosts a tracked click may lead to: this site plus ``NURTURE_REDIRECT_HOSTS``."""
    hosts = {urlsplit(settings.SITE_URL).netloc}
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            hosts.add(host)
    hosts.update(getattr(settings, "NURTURE_REDIRECT_HOSTS", []))
    return {h for h in hosts if h}


def redirect_url_allowed(url: str) -> bool:
    if not url or len(url) > 2000:
        return False
    target = absolute_url(url) if url.startswith("/") and not url.startswith("//") else url
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts=redirect_allowed_hosts(), require_https=False
    ) and urlsplit(target).scheme in {"http", "https"}


def _click_signature(token: str, url: str) -> str:
    return signing.Signer(salt=CLICK_SALT).signature(f"{token}|{url}")


def click_url(token: str, url: str) -> str:
    """A signed tracking link that records the click then redirects to ``url``."""
    query = urlencode({"u": url, "s": _click_signature(str(token), url)})
    return absolute_url(f"/e/c/{token}?{query}")


def click_signature_valid(token: str, url: str, signature: str) -> bool:
    return bool(signature) and constant_time_compare(_click_signature(token, url), signature)


def pixel_url(token: str) -> str:
    return absolute_url(f"/e/o/{token}.gif")


def track_html(html: str, token: str, *, skip_prefixes: Iterable[str] = ()) -> str:
    """Rewrite allowed links to signed tracking links and add the open pixel."""
    prefixes = (*NEVER_TRACK, *skip_prefixes)
    skip = tuple(absolute_url(p) for p in prefixes) + prefixes

    def rewrite(match: re.Match) -> str:
        url = match.group(1).replace("&amp;", "&")
        if url.startswith(("mailto:", "tel:", "#")) or url.startswith(skip):
            return match.group(0)
        if not redirect_url_allowed(url):
            return match.group(0)
        return 'href="{}"'.format(click_url(token, url).replace("&", "&amp;"))

    html = _HREF_RE.sub(rewrite, html)
    pixel = f'<img src="{pixel_url(token)}" width="1" height="1" alt="" style="display:none">'
    if "</body>" in html:
        return html.replace("</body>", pixel + "</body>", 1)
    return html + pixel
