"""API settings: Django REST framework, the schema, body limits, trusted proxies and every
rate limit (read into ``ementech.settings.base``)."""

from __future__ import annotations

import environ

env = environ.Env()

# --- API ----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.IsStaff"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "ementech.schema.ContractAutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EmenTech Engage API",
    "DESCRIPTION": "Lead capture, tracking, content, chat, events and privacy endpoints.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api",
    "PREPROCESSING_HOOKS": ["ementech.schema.only_api_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ementech.schema.document_errors",
    ],
    # /api/docs: Swagger UI from the installed package's static files (no CDN), its
    # start-up script served as a file so the site's CSP (script-src 'self') applies.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Leads' and events' company sizes label the same values differently.
    "ENUM_NAME_OVERRIDES": {"LeadCompanySizeEnum": "leads.models.Lead.CompanySize"},
}
# Bodies larger than this on /api/ paths are refused with 413 before they are parsed.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)
# JSON bodies (core.parsers): deeper nesting or longer strings are refused with 400.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=20)
API_JSON_MAX_STRING = env.int("API_JSON_MAX_STRING", default=20_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)

# Proxy headers (X-Forwarded-For/-Proto) are trusted only when this many proxies are
# configured in front of the app; otherwise the socket address is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The proxies' own addresses (comma-separated, or "*"): uvicorn honours X-Forwarded-For only
# from these. Empty (the default): the socket's peer address is the client.
FORWARDED_ALLOW_IPS = env.str(
    "FORWARDED_ALLOW_IPS", default="127.0.0.1" if TRUSTED_PROXY_COUNT else ""
)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

# Every rate limit in one place (core.ratelimit): scope -> "<count>/<period>", per client
# address unless the caller keys it otherwise. RATE_LIMIT_<SCOPE> overrides one (scope
# upper-cased, "-" and "." as "_"), e.g. RATE_LIMIT_LEAD_CAPTURE=100/m; LEAD_CAPTURE_RATE_LIMIT
# is read too.
_RATE_LIMIT_DEFAULTS = {
    "track": "600/m",  # POST /api/track (tracker batches)
    "lead-capture": "30/m",  # POST /api/leads
    "chat-http": "30/m",  # POST /api/chat/* turns over HTTP
    "search": "60/m",  # GET /api/search
    "download": "10/m",  # POST /api/content/{id}/download
    "events-register": "20/m",  # POST /api/events/{id}/register
    "tools": "60/h",  # ROI calculator and assessment (API and pages)
    "forms-extract": "30/m",  # POST /api/forms/extract
    "exit-offer": "30/h",  # exit-intent offers
    "newsletter-subscribe": "20/h",  # API and page
    "privacy-requests": "5/h",  # export/erasure link requests (API and page), per client
    "privacy-requests-address": "5/h",  # the same, per address asked for (silently dropped)
    # Demo holds (a demo asked in the chat for an address the browser has not verified)
    "chat-demo-hold-browser": "3/h",  # per browser (visitor cookie, else conversation)
    "chat-demo-hold-ip": "10/h",  # per client address
    "chat-demo-hold-address": "2/d",  # per address the confirmation request goes to
    # The chat socket (and HTTP turns): visitor messages per conversation and per browser,
    # new conversations per browser (visitor cookie) and per client address
    "chat-message": "20/m",
    "chat-new-conversation-browser": "10/h",
    "chat-new-conversation-ip": "30/h",
    # (LLM spend per browser and address: CHAT_*_BUDGET_USD_PER_DAY, counted in chat.limits)
}


def _rate_from_env(scope: str, default: str) -> str:
    """``RATE_LIMIT_<SCOPE>``, else the other common spelling ``<SCOPE>_RATE_LIMIT`` (as the
    shared perf script sets ``TRACK_RATE_LIMIT``), else the default."""
    name = scope.upper().replace("-", "_").replace(".", "_")
    return env.str("RATE_LIMIT_" + name, default="") or env.str(
        name + "_RATE_LIMIT", default=default
    )


RATE_LIMITS = {scope: _rate_from_env(scope, rate) for scope, rate in _RATE_LIMIT_DEFAULTS.items()}
# Client batch ids of /api/track are remembered this long (a retried batch is stored once).
TRACK_BATCH_TTL_DAYS = env.int("TRACK_BATCH_TTL_DAYS", default=2)
# Accepted /api/track events go to a Redis stream that the worker copies into PostgreSQL
# (analytics.handoff, analytics.ingest); off, on SQLite, or while Redis is down, the request
# writes them itself. The first request after a drain started publishes the next one (again
# after TRACK_BUFFER_KICK_SECONDS if that publish was lost), and beat drains every
# TRACK_BUFFER_SWEEP_SECONDS too.
TRACK_BUFFER = env.bool("TRACK_BUFFER", default=True)
TRACK_BUFFER_KICK_SECONDS = env.int("TRACK_BUFFER_KICK_SECONDS", default=5)
# A drain runs this long after the request that scheduled it: it copies what came meanwhile.
TRACK_BUFFER_DRAIN_DELAY_SECONDS = env.float("TRACK_BUFFER_DRAIN_DELAY_SECONDS", default=0.5)
TRACK_BUFFER_SWEEP_SECONDS = env.float("TRACK_BUFFER_SWEEP_SECONDS", default=10.0)
