"""Test settings: the same configuration as ``base`` made fast (MD5 hasher, eager tasks).

Service mode still applies when ``DATABASE_URL``/``REDIS_URL`` are set, so CI runs the
suite against real PostgreSQL and Redis.
"""

import os

# Service mode with DEBUG off needs a key; the suite brings its own (never a real one).
os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 60)

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "engage-test"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests serve static files straight from the app directories (nothing is collected).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One process plays web and worker: a reader builds a missing index set at once.
KNOWLEDGE_INDEX_WAIT_SECONDS = float(os.environ.get("KNOWLEDGE_INDEX_WAIT_SECONDS", "0"))
