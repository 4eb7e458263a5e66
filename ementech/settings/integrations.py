"""Integrations, each off until its variables are set (see README "Integrations"): HubSpot,
PostHog, Zoom, Slack and S3 (read into ``ementech.settings.base``)."""

from __future__ import annotations

import environ

env = environ.Env()

# --- integrations (each off until its variables are set; see README "Integrations") ---------

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
