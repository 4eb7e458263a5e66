"""Slack alerts through the official ``slack_sdk``: Block Kit messages, retried on rate
limits (honouring ``Retry-After``), server errors and dropped connections, and routed per
kind (``hot_lead``, ``handoff``) to a channel (bot token, ``chat.postMessage``) or to a
per-kind incoming webhook (``SLACK_WEBHOOK_URLS``, falling back to ``SLACK_WEBHOOK_URL``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient


class SlackUnavailable(Exception):
    """Slack did not take the message (after retries); the caller's task retries later."""


def _retry_handlers() -> list:
    interval = BackoffRetryIntervalCalculator(backoff_factor=settings.SLACK_BACKOFF_SECONDS)
    n = settings.SLACK_MAX_RETRIES
    return [
        RateLimitErrorRetryHandler(max_retry_count=n),
        ServerErrorRetryHandler(max_retry_count=n, interval_calculator=interval),
        ConnectionErrorRetryHandler(max_retry_count=n, interval_calculator=interval),
    ]


def _webhook_url(kind: str) -> str:
    return (settings.SLACK_WEBHOOK_URLS or {}).get(kind) or settings.SLACK_WEBHOOK_URL


def enabled(kind: str = "hot_lead") -> bool:
    return bool(settings.SLACK_BOT_TOKEN or _webhook_url(kind))


def post(*, kind: str, text: str, blocks: list[dict]) -> bool:
    """Send one message to the destination routed for ``kind``. False if Slack is off."""
    if settings.SLACK_BOT_TOKEN:
        channel = (settings.SLACK_CHANNELS or {}).get(kind) or (settings.SLACK_CHANNELS or {}).get(
            "default"
        )
        if not channel:
            return False
        web = WebClient(
            token=settings.SLACK_BOT_TOKEN,
            base_url=settings.SLACK_API_URL,
            timeout=int(settings.SLACK_TIMEOUT),
            retry_handlers=_retry_handlers(),
        )
        try:
            web.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
        except SlackApiError as exc:
            raise SlackUnavailable(f"chat.postMessage: {exc.response.get('error')}") from exc
        except (SlackClientError, OSError) as exc:
            raise SlackUnavailable(str(exc)) from exc
        return True
    url = _webhook_url(kind)
    if not url:
        return False
    hook = WebhookClient(url, timeout=int(settings.SLACK_TIMEOUT), retry_handlers=_retry_handlers())
    try:
        response = hook.send(text=text, blocks=blocks)
    except (SlackClientError, OSError) as exc:
        raise SlackUnavailable(str(exc)) from exc
    if response.status_code != 200:
        raise SlackUnavailable(f"webhook {response.status_code}: {response.body[:200]}")
    return True


# --- Block Kit messages -------------------------------------------------------------------


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _button(label: str, url: str) -> dict:
    return {
        "type": "actions",
        "elements": [{"type": "button", "text": {"type": "plain_text", "text": label}, "url": url}],
    }


def hot_lead_message(p: dict[str, Any]) -> tuple[str, list[dict]]:
    who = p["name"] or "A lead"
    if p["company"]:
        who += f" ({p['company']})"
    title = f"{p['reason_label']}: {who} — score {p['score']} ({p['grade'] or '-'})"
    breakdown = "\n".join(f"• {b['label']}: {b['points']:+.1f}" for b in p["breakdown"]) or "—"
    pages = "\n".join(f"• {x}" for x in p["pages_viewed"]) or "—"
    return title, [
        _section(f"*{title}*"),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Fit*\n{p['fit']}"},
                {"type": "mrkdwn", "text": f"*Engagement*\n{p['engagement']}"},
            ],
        },
        _section(f"*Why*\n{breakdown}"),
        _section(f"*Chat summary*\n{p['chat_summary'] or 'No conversation yet.'}"),
        _section(f"*Pages viewed*\n{pages}"),
        _button("Open lead", p["url"]),
    ]


def handoff_message(p: dict[str, Any]) -> tuple[str, list[dict]]:
    who = p.get("name") or p.get("email") or "A visitor"
    if p.get("company"):
        who += f" ({p['company']})"
    title = f"Chat hand-off: {who} is waiting for a person"
    return title, [
        _section(f"*{title}*"),
        _section(f"*Reason*\n{p.get('reason') or '—'}"),
        _button("Answer in the admin", p["url"]),
    ]


MESSAGES = {"hot_lead": hot_lead_message, "handoff": handoff_message}


def alert_post(*, kind: str, payload: dict[str, Any]) -> bool:
    text, blocks = MESSAGES[kind](payload)
    return post(kind=kind, text=text, blocks=blocks)


def handoff_payload(*, conversation_id: Any) -> dict[str, Any]:
    from django.urls import reverse

    from chat.facade import handoff

    found = handoff(conversation_id=conversation_id)
    return {
        "name": found.lead_name,
        "company": found.lead_company,
        "email": found.lead_email,
        "reason": found.reason,
        "url": settings.SITE_URL
        + reverse("admin:chat_conversation_change", args=[found.conversation_id]),
    }
