"""What both writers of tracking rows share (the per-request path in ``analytics.services``
and the tracking buffer's drain in ``analytics.ingest``), written once: the interaction
columns they copy, the first-touch fields and their lengths, and the visitor upsert.

The upsert's merge rule on a known visitor: ``last_seen`` only moves forward; first-touch
attribution (UTM, referrer, landing page) is kept once set; the row is rewritten only when
``last_seen`` moved by more than ``VISITOR_TOUCH_SECONDS`` (the statement's ``%s``) or an
empty attribution field gets a value, so a busy visitor does not rewrite its row on every
event. The statement aliases the table ``old``.
"""

from __future__ import annotations

INTERACTION_COLUMNS = (
    "type",
    "category",
    "visitor_id",
    "lead_id",
    "session_id",
    "properties",
    "context",
    "occurred_at",
    "created_at",
)

# First-touch attribution kept on the visitor, with each column's length.
TOUCH_FIELDS = (
    ("utm_source", 100),
    ("utm_medium", 100),
    ("utm_campaign", 200),
    ("referrer", 500),
    ("landing_page", 500),
)
VISITOR_TOUCH_SECONDS = 60  # last_seen is rewritten at most this often per visitor

VISITOR_COLUMNS = (
    "id, first_seen, last_seen, utm_source, utm_medium, utm_campaign, referrer, landing_page, "
    "user_agent_family, device, os_family"
)

VISITOR_MERGE = """ON CONFLICT (id) DO UPDATE SET
    last_seen = GREATEST(old.last_seen, EXCLUDED.last_seen),
    utm_source = CASE WHEN old.utm_source || old.utm_medium || old.utm_campaign = ''
        THEN EXCLUDED.utm_source ELSE old.utm_source END,
    utm_medium = CASE WHEN old.utm_source || old.utm_medium || old.utm_campaign = ''
        THEN EXCLUDED.utm_medium ELSE old.utm_medium END,
    utm_campaign = CASE WHEN old.utm_source || old.utm_medium || old.utm_campaign = ''
        THEN EXCLUDED.utm_campaign ELSE old.utm_campaign END,
    referrer = CASE WHEN old.referrer = '' THEN EXCLUDED.referrer ELSE old.referrer END,
    landing_page = CASE WHEN old.landing_page = ''
        THEN EXCLUDED.landing_page ELSE old.landing_page END
WHERE old.last_seen < EXCLUDED.last_seen - make_interval(secs => %s)
    OR (old.utm_source || old.utm_medium || old.utm_campaign = ''
        AND EXCLUDED.utm_source || EXCLUDED.utm_medium || EXCLUDED.utm_campaign <> '')
    OR (old.referrer = '' AND EXCLUDED.referrer <> '')
    OR (old.landing_page = '' AND EXCLUDED.landing_page <> '')"""
