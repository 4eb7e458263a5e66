"""Stub servers for the integrations and settings pointing the SDKs at them."""

from __future__ import annotations

import pytest

from tests.integrations.hubspot_stub import HubSpotStub


@pytest.fixture
def hubspot(settings):
    stub = HubSpotStub().start()
    settings.HUBSPOT_ACCESS_TOKEN = stub.token
    settings.HUBSPOT_BASE_URL = stub.url
    settings.HUBSPOT_CLIENT_SECRET = "hubspot-app-secret-for-tests"
    settings.HUBSPOT_MAX_RETRIES = 2
    settings.HUBSPOT_BACKOFF_SECONDS = 0
    settings.POSTHOG_API_KEY = ""
    yield stub
    stub.stop()


@pytest.fixture
def posthog(settings):
    from tests.integrations.posthog_stub import PostHogStub

    stub = PostHogStub().start()
    settings.POSTHOG_API_KEY = stub.project_key
    settings.POSTHOG_HOST = stub.url
    settings.POSTHOG_APP_HOST = stub.url
    settings.POSTHOG_PERSONAL_API_KEY = stub.personal_key
    settings.POSTHOG_PROJECT_ID = "4242"
    settings.HUBSPOT_ACCESS_TOKEN = ""
    yield stub
    stub.stop()


@pytest.fixture
def slack(settings):
    from tests.integrations.slack_stub import SlackStub

    stub = SlackStub().start()
    settings.SLACK_BOT_TOKEN = stub.token
    settings.SLACK_API_URL = stub.url + "/api/"
    settings.SLACK_CHANNELS = {"hot_lead": "#sales-hot-leads", "handoff": "#sales-handoffs"}
    settings.SLACK_WEBHOOK_URL = ""
    settings.SLACK_WEBHOOK_URLS = {}
    settings.SLACK_MAX_RETRIES = 2
    settings.SLACK_BACKOFF_SECONDS = 0
    settings.HUBSPOT_ACCESS_TOKEN = ""
    settings.POSTHOG_API_KEY = ""
    yield stub
    stub.stop()


@pytest.fixture
def zoom(settings):
    from django.core.cache import cache

    from tests.integrations.zoom_stub import ZoomStub

    stub = ZoomStub().start()
    settings.ZOOM_ACCOUNT_ID = stub.account_id
    settings.ZOOM_CLIENT_ID = stub.client_id
    settings.ZOOM_CLIENT_SECRET = stub.client_secret
    settings.ZOOM_API_URL = stub.url + "/v2"
    settings.ZOOM_OAUTH_URL = stub.url + "/oauth/token"
    settings.ZOOM_BACKOFF_SECONDS = 0
    settings.HUBSPOT_ACCESS_TOKEN = ""
    settings.POSTHOG_API_KEY = ""
    cache.delete("integrations:zoom:token")
    yield stub
    stub.stop()
