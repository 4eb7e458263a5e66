"""The suite runs against real PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set."""

import os

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.django_db
def test_backends_follow_the_environment():
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"
    # One code path: Redis for cache, channel layer and broker in both modes; only where
    # it runs differs (a networked server, or the embedded one on a socket under var/).
    assert type(cache._cache).__module__.startswith("django.core.cache.backends.redis")
    assert isinstance(get_channel_layer(), RedisChannelLayer)
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL.startswith("redis+socket://")
        assert settings.CACHES["default"]["LOCATION"].startswith("unix://")


def test_ci_sets_service_mode():
    """CI must exercise service mode: .ci/run exports both variables."""
    if not os.environ.get("CI"):
        pytest.skip("not running under CI")
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert os.environ.get("REDIS_URL", "").startswith("redis://")


@pytest.mark.django_db
def test_redis_cache_round_trip_when_configured():
    cache.set("platform-check", {"a": 1}, 5)
    assert cache.get("platform-check") == {"a": 1}
