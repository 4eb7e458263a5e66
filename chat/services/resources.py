"""Resources the assistant emails to the visitor's own address."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from chat.models import Conversation
from chat.tools import ToolRefused


def resource_send(*, conversation: Conversation, resource_id: str) -> dict[str, Any]:
    """Email a link to one of our live pages to this conversation's own lead."""
    from wagtail.models import Page

    if not str(resource_id).isdigit():
        raise ToolRefused("unknown resource")
    page = Page.objects.live().public().filter(pk=int(resource_id)).specific().first()
    if page is None:
        raise ToolRefused("unknown resource")
    url = f"{settings.SITE_URL}{page.url or ''}"
    from mail.facade import queue_email

    queue_email(  # sent by the worker: no SMTP inside the chat turn
        to=conversation.lead.email,
        subject=f"{page.title} from EmenTech",
        text=f"Here is the resource you asked for in our chat:\n\n{page.title}\n{url}\n",
        kind="chat_resource",
        lead_id=conversation.lead_id,
    )
    return {"sent": True, "title": page.title, "url": url}
