"""Staff login: the allauth adapter (nobody signs up publicly) and the username django-axes
locks on, whichever login form sent it."""

from allauth.account.adapter import DefaultAccountAdapter


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


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
