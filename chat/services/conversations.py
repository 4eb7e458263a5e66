"""Conversations: opening, consent, the visitor's profile slots, hand-off to a person,
staff replies, ratings, and the real-time push of chat events."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chat import slots
from chat.models import Conversation, Message
from core.errors import ApplicationError
from core.realtime import push_on_commit

log = logging.getLogger("chat.services")

STAFF_GROUP = "chat.staff"
CONSENT_WORDING = (
    "I agree that EmenTech may store the contact details I give in this chat to follow up "
    "with me, as described in the privacy policy."
)
LEAD_FIELDS = {
    "email", "name", "company", "role", "authority", "budget", "timeline", "pain_points",
    "tech_stack", "industry", "company_size", "phone",
}  # fmt: skip


class ChatInputError(ApplicationError):
    """A chat message or action that cannot be taken; ``details`` is ``{field: [messages]}``."""

    def __init__(self, details: dict[str, list[str]], message: str = "Invalid message."):
        super().__init__(message, details)


def broadcast_on_commit(conversation: Conversation, event: dict) -> None:
    """Send ``event`` to every socket on the conversation (and the staff feed) after commit."""
    group = conversation.group_name
    payload = {"type": "chat.event", "event": event}
    staff = {"type": "chat.event", "event": {**event, "conversation_id": str(conversation.pk)}}

    push_on_commit(group, payload)
    push_on_commit(STAFF_GROUP, staff)


# --- conversations ----------------------------------------------------------------------------


def conversation_open(
    *,
    conversation_id: Any = None,
    visitor_id: Any = None,
    mode: str = Conversation.Mode.QUALIFY,
    page_url: str = "",
    tz_name: str = "",
) -> Conversation:
    """The conversation with this id, or a new one for the visitor (history survives
    reconnects and page loads: the id is kept by the widget). A returning lead's known
    details and form consent come along, so the assistant asks nothing they already gave."""
    if conversation_id:
        try:
            conv = Conversation.objects.filter(pk=conversation_id).first()
        except (ValueError, ValidationError):
            conv = None
        if conv is not None:
            changed = []
            if tz_name and _valid_zone(tz_name) and (conv.state or {}).get("tz") != tz_name:
                conv.state = {**(conv.state or {}), "tz": tz_name}
                changed.append("state")
            if page_url and page_url[:500] != conv.page_url:  # the page the chat is on now
                conv.page_url = page_url[:500]
                changed.append("page_url")
            if changed:
                conv.save(update_fields=[*changed, "updated_at"])
            return conv
    from leads.facade import visitor_touch

    visitor = visitor_touch(visitor_id=visitor_id) if visitor_id else None
    if mode not in Conversation.Mode.values:
        mode = Conversation.Mode.QUALIFY
    conv = Conversation(
        visitor=visitor,
        lead_id=visitor.lead_id if visitor else None,
        mode=mode,
        page_url=(page_url or "")[:500],
        session_id=str(visitor.pk) if visitor else "",
        state={"tz": tz_name} if tz_name and _valid_zone(tz_name) else {},
    )
    if conv.lead_id:
        _carry_lead(conv)
    conv.save()
    return conv


def _valid_zone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _carry_lead(conv: Conversation) -> None:
    """Start from what the returning lead already told us, with the consent they gave on
    the form (the latest data-processing decision)."""
    from leads.facade import consent_latest

    lead = conv.lead
    known = {}
    for key in sorted(LEAD_FIELDS | {"phone"}):
        value = getattr(lead, key, None)
        if value not in (None, "", [], {}):
            known[key] = value
    if known.get("role") and not known.get("authority"):
        implied = slots.extract_role(str(known["role"]))
        if implied:  # the title they gave on the form says how they buy
            known["authority"] = implied[1]
            conv.state = {**(conv.state or {}), "implied": {"authority": implied[1]}}
    conv.collected = known
    conv.qualification_progress = slots.qualification_progress(known)
    latest = consent_latest(lead_id=lead.pk, purpose="data_processing")
    if latest is not None and latest.granted:
        conv.consent_given_at = latest.created_at
        conv.consent_wording = latest.wording or CONSENT_WORDING


def conversation_set_consent(
    *, conversation: Conversation, wording: str = "", page_url: str = "", ip: str = ""
) -> Conversation:
    """The visitor ticked the consent box: their details may now reach the lead record."""
    if conversation.consent_given_at is None:
        conversation.consent_given_at = timezone.now()
        conversation.consent_wording = (wording or CONSENT_WORDING)[:2000]
        if page_url:
            conversation.page_url = page_url[:500]
        conversation.save(
            update_fields=["consent_given_at", "consent_wording", "page_url", "updated_at"]
        )
    registering = bool((conversation.state or {}).get("registration"))
    if conversation.collected.get("email") and conversation.lead_id is None and not registering:
        # (An event registration under way captures the lead itself, as the page's form.)
        conversation_store_profile(conversation=conversation, values={}, ip=ip)
    return conversation


@transaction.atomic
def conversation_store_profile(
    *, conversation: Conversation, values: dict[str, Any], ip: str = ""
) -> dict[str, Any]:
    """Merge validated slot values into the conversation and, with consent and an email,
    into this conversation's own lead. Consent is never set here. The lead is this
    conversation's only when the browser is verified for it (it created it, or its visitor
    is linked to it); an existing lead's address from any other browser is only *claimed*:
    nothing of that lead changes from here (fields, stage, owner)."""
    from leads.facade import CaptureError, ConsentInput, lead_capture, lead_update

    collected = dict(conversation.collected or {})
    accepted: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, list):
            merged = list(collected.get(key) or [])
            for item in value:
                if item.lower() not in {m.lower() for m in merged}:
                    merged.append(item)
            if merged != collected.get(key):
                collected[key] = merged
                accepted[key] = value
        elif value != collected.get(key):
            collected[key] = value
            accepted[key] = value
    conversation.collected = collected
    conversation.qualification_progress = slots.qualification_progress(collected)
    conversation.save(update_fields=["collected", "qualification_progress", "updated_at"])
    result: dict[str, Any] = {"accepted": accepted, "saved": False, "held": None}
    if not collected.get("email"):
        result["held"] = "email"
        return result
    if not conversation.consent_given:
        result["held"] = "consent"
        return result
    profile = {k: v for k, v in collected.items() if k in LEAD_FIELDS and k != "email"}
    state = conversation.state or {}
    if (
        conversation.lead_id is None
        and state.get("claimed_email") == collected["email"]
        and not set(accepted) & set(profile)
    ):
        result["saved"] = True  # already claimed, nothing new to submit
        return result
    try:
        if conversation.lead_id is None:
            capture = lead_capture(
                email=collected["email"],
                consent=ConsentInput(
                    data_processing=True,
                    method="chat",
                    wording=conversation.consent_wording or CONSENT_WORDING,
                    page_url=conversation.page_url,
                ),
                source="chat",
                visitor=conversation.visitor,
                profile=profile,
                ip=ip,
            )
            if not capture.verified:
                # An existing lead's address, and this browser is not verified for it: the
                # submission was kept for sales (``lead_claim``), the lead is untouched and
                # never linked here; a demo asked for it is only held (chat.services.booking).
                conversation.state = {
                    **(conversation.state or {}),
                    "claimed_lead": str(capture.lead.pk),
                    "claimed_email": collected["email"],
                }
                conversation.save(update_fields=["state", "updated_at"])
                result["saved"] = True  # the same answer as for an address never seen
                return result
            conversation.lead = capture.lead
            conversation.state = {
                k: v
                for k, v in (conversation.state or {}).items()
                if k not in ("claimed_lead", "claimed_email")
            }
            if capture.created:  # this conversation's own: its address may be corrected
                conversation.state["created_lead"] = str(capture.lead.pk)
            conversation.save(update_fields=["lead", "state", "updated_at"])
        else:
            changed = {k: v for k, v in accepted.items() if k in profile}
            implied = (conversation.state or {}).get("implied") or {}
            if implied:
                changed = {**implied, **changed}
                conversation.state = {
                    k: v for k, v in (conversation.state or {}).items() if k != "implied"
                }
                conversation.save(update_fields=["state", "updated_at"])
            if changed:
                lead_update(lead=conversation.lead, data=changed, actor=None)
    except CaptureError as exc:
        result["error"] = exc.details
        return result
    result["saved"] = True
    _rescore(conversation.lead_id)
    return result


@transaction.atomic
def conversation_correct_email(
    *, conversation: Conversation, email: str, ip: str = ""
) -> dict[str, Any]:
    """The visitor corrects the address this conversation's lead was created with. Only a
    lead this conversation created qualifies, and the leads app decides whether it is still
    theirs alone to change (``lead_email_correct``); otherwise the old address stays and
    Sales is asked, once per address, to make the change."""
    from leads.facade import CaptureError, lead_email_correct, notify_sales

    lead = conversation.lead
    try:
        if (conversation.state or {}).get("created_lead") != str(lead.pk):
            raise CaptureError({"email": ["The lead was not created by this conversation."]})
        correction = lead_email_correct(
            lead=lead, email=email, visitor=conversation.visitor, channel="chat"
        )
    except CaptureError:
        state = dict(conversation.state or {})
        if state.get("email_change_requested") != email:
            state["email_change_requested"] = email
            conversation.state = state
            conversation.save(update_fields=["state", "updated_at"])
            notify_sales(
                lead=lead,
                kind="chat_email_change",
                message=f"Chat visitor asks to change their email to {email}",
                data={"conversation_id": str(conversation.pk), "email": email},
            )
        return {"email_kept": lead.email, "email_requested": email}
    conversation.collected = {**(conversation.collected or {}), "email": email}
    if correction.retired:
        # Someone's address: captured as if it had been typed first (only a claim), and
        # the visitor hears the same as for a free address.
        conversation.lead = None
        conversation.state = {
            k: v for k, v in (conversation.state or {}).items() if k != "created_lead"
        }
        conversation.save(update_fields=["lead", "collected", "state", "updated_at"])
        conversation_store_profile(conversation=conversation, values={}, ip=ip)
    else:
        conversation.lead = correction.lead
        conversation.save(update_fields=["collected", "updated_at"])
    return {"email_corrected": email}


def _rescore(lead_id: Any) -> None:
    """Ask the scoring engine to rescore the lead (debounced, after commit)."""
    if not lead_id:
        return
    from scoring.facade import lead_rescore_soon

    lead_rescore_soon(lead_id=lead_id, reason="chat")


def conversation_escalate(*, conversation: Conversation, reason: str) -> Conversation:
    """Hand the conversation to a person: status escalated, the bot stays silent, Sales
    see it in the live feed and answer from the admin."""
    state = {**(conversation.state or {}), "handoff_at": timezone.now().isoformat()}
    Conversation.objects.filter(pk=conversation.pk).update(
        state=state,
        status=Conversation.Status.ESCALATED,
        assigned_type="human",
        escalation_reason=reason[:300],
        next_action="Sales to reply in the chat",
        updated_at=timezone.now(),
    )
    conversation.refresh_from_db()
    if conversation.lead_id:
        from leads.facade import notify_sales

        notify_sales(
            lead=conversation.lead,
            kind="chat_handoff",
            message=f"Chat hand-off: {reason[:120]}",
            data={"conversation_id": str(conversation.pk)},
        )
    from integrations.facade import handoff_alert

    handoff_alert(conversation_id=conversation.pk)  # Slack's hand-off channel, after commit
    broadcast_on_commit(conversation, {"type": "handoff", "status": "escalated"})
    return conversation


def conversation_queue_followup(*, conversation: Conversation, reason: str) -> Conversation:
    """No one from Sales is online: the request joins the sales queue (a notification, and
    the conversation marked for follow-up by email) while the assistant keeps answering."""
    state = dict(conversation.state or {})
    state["followup"] = {"reason": reason[:300], "at": timezone.now().isoformat()}
    conversation.state = state
    conversation.next_action = "Sales to reply by email"
    conversation.escalation_reason = reason[:300]
    conversation.save(update_fields=["state", "next_action", "escalation_reason", "updated_at"])
    if conversation.lead_id:
        from leads.facade import notify_sales

        notify_sales(
            lead=conversation.lead,
            kind="chat_followup",
            message=f"Chat asks for a person (reply by email): {reason[:100]}",
            data={"conversation_id": str(conversation.pk)},
        )
    broadcast_on_commit(conversation, {"type": "handoff", "status": "queued"})
    return conversation


def handoff_resume_if_unanswered(*, conversation: Conversation) -> Message | None:
    """A hand-off nobody from Sales answered within ``CHAT_HANDOFF_TIMEOUT_SECONDS``: the
    assistant says so, promises an email reply and takes the conversation back (the
    message it returns is shown to the visitor)."""
    import datetime as dt

    if conversation.status != Conversation.Status.ESCALATED:
        return None
    since = (conversation.state or {}).get("handoff_at")
    if not since:
        return None
    started = dt.datetime.fromisoformat(since)
    timeout = getattr(settings, "CHAT_HANDOFF_TIMEOUT_SECONDS", 180)
    if timezone.now() - started < dt.timedelta(seconds=timeout):
        return None
    if conversation.messages.filter(source=Message.Source.HUMAN, created_at__gte=started).exists():
        return None
    email = (conversation.collected or {}).get("email")
    text = (
        "Sorry, no one from our team has been able to join yet. A person will reply by email "
        "within one business day" + (f" to {email}" if email else "") + ". In the meantime "
        "I'm back and happy to keep helping."
    )
    with transaction.atomic():
        state = dict(conversation.state or {})
        state.pop("handoff_at", None)
        state["followup"] = {"reason": conversation.escalation_reason, "at": since}
        conversation.state = state
        conversation.status = Conversation.Status.ACTIVE
        conversation.assigned_type = "ai"
        conversation.next_action = "Sales to reply by email"
        conversation.save(
            update_fields=["state", "status", "assigned_type", "next_action", "updated_at"]
        )
        msg = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            content=text,
            source=Message.Source.TEMPLATE,
            agent="consultant",
            agent_reason="hand-off unanswered: the assistant resumes",
        )
        broadcast_on_commit(conversation, {"type": "handoff", "status": "resumed"})
    return msg


def staff_reply(*, conversation: Conversation, user, text: str) -> Message:
    """A Sales user's message in an escalated conversation; it reaches the visitor's socket."""
    text = (text or "").strip()
    if not text:
        raise ChatInputError({"content": ["Write a message."]})
    with transaction.atomic():
        msg = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            content=text[: settings.CHAT_MAX_MESSAGE_CHARS],
            source=Message.Source.HUMAN,
            agent="human",
            author=user,
        )
        fields = ["updated_at"]
        if conversation.assigned_to_id is None:
            conversation.assigned_to = user
            fields.append("assigned_to")
        if conversation.status != Conversation.Status.ESCALATED:
            conversation.status = Conversation.Status.ESCALATED
            conversation.assigned_type = "human"
            fields += ["status", "assigned_type"]
        conversation.save(update_fields=fields)
        broadcast_on_commit(conversation, {"type": "message", "message": message_public(msg)})
    return msg


def conversation_rate(*, conversation: Conversation, rating: int) -> Conversation:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ChatInputError({"rating": ["Give a rating from 1 to 5."]}, "Invalid rating.")
    conversation.satisfaction = rating
    conversation.save(update_fields=["satisfaction", "updated_at"])
    return conversation


def message_public(msg: Message) -> dict[str, Any]:
    """What a visitor's widget sees of a message (no internal reasons, ids or costs)."""
    return {
        "id": str(msg.pk),
        "role": msg.role,
        "content": msg.content,
        "source": msg.source,
        "sources": msg.sources,
        "created_at": msg.created_at.isoformat(),
    }
