"""Authentication settings: password rules, allauth (staff accounts only) and login
protection with django-axes (read into ``ementech.settings.base``)."""

from __future__ import annotations

import datetime as dt

import environ

env = environ.Env()

# --- Auth ---------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First: refuses any login (admin, CMS, allauth) while the user or the address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Staff accounts are created by ops, not by public sign-up.
ACCOUNT_ADAPTER = "core.auth.StaffOnlyAccountAdapter"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# Login protection on every login form (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords the username and, separately, the client address are locked for the cool-off
# time; every attempt is kept (AccessAttempt, AccessLog, AccessFailureLog) for audit.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_USERNAME_CALLABLE = "core.auth.login_username"
