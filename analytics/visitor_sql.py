"""The visitor upsert's merge rule, written once for both writers of the visitor table: the
per-request path (``analytics.services``) and the tracking buffer's drain
(``analytics.ingest``).

On a known visitor: ``last_seen`` only moves forward; first-touch attribution (UTM, referrer,
landing page) is kept once set; the row is rewritten only when ``last_seen`` moved by more
than the ``%s`` seconds parameter or an empty attribution field gets a value, so a busy
visitor does not rewrite its row on every event. The statement aliases the table ``old``.
"""

from __future__ import annotations

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
