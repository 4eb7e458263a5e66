"""Integrations with the tools our users already run: HubSpot (two-way CRM sync), PostHog
(server-side product analytics), Zoom (meetings/webinars and their reports), Slack (alerts)
and S3 (files). Each is off until its settings are present; each talks through the
service's official SDK (Zoom has no official Python SDK: its REST API through httpx)."""
