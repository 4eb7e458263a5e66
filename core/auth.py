"""Staff login: the allauth adapter (nobody signs up publicly; after signing in each role
lands on the page it works in) and the username django-axes locks on, whichever login form
sent it."""

from allauth.account.adapter import DefaultAccountAdapter

from core.roles import MARKETERS, OPS, SALES


def landing_url_for(user) -> str:
    """Where a staff member starts: sales (and admins) on the live dashboard, marketers in
    the CMS, ops on the admin (health, jobs); anyone else on the public site."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return "/"
    if user.is_superuser:
        return "/dashboard/"
    groups = set(user.groups.values_list("name", flat=True))
    if SALES in groups:
        return "/dashboard/"
    if MARKETERS in groups:
        return "/cms/"
    if OPS in groups:
        return "/admin/"
    return "/admin/"


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return landing_url_for(request.user)


def login_username(request, credentials: dict | None) -> str | None:
    """The username a login attempt is for, whichever form sent it (django-axes): Django's
    and Wagtail's forms post ``username``, allauth's posts ``login``."""
    credentials = credentials or {}
    for key in ("username", "login", "email"):
        value = credentials.get(key)
        if isinstance(value, str) and value:
            return value.strip().lower()[:255]
    post = getattr(request, "POST", None) or {}
    for key in ("username", "login", "email"):
        value = post.get(key)
        if isinstance(value, str) and value:
            return value.strip().lower()[:255]
    return None
