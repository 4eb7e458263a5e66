"""Celery tasks of the chat app (thin: call a service)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def analyse_conversation(conversation_id: str) -> None:
    from chat.services import conversation_analyse

    conversation_analyse(conversation_id=conversation_id)


@shared_task(acks_late=True, ignore_result=True)
def expire_demo_holds() -> int:
    """Beat sweep: lapsed demo holds become ``expired`` (their slots were free already)."""
    from chat.services import demo_holds_expire

    return demo_holds_expire()
